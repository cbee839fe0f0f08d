"""Fixtures that run the app against the simulated Shopify store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask import Flask

from tests.conftest import TEST_API_KEY, TEST_API_SECRET, MakeApp, make_settings
from xsight.devstore.server import StoreHandle, start_store
from xsight.extensions import db

STORE_SIZE = {"customers": 60, "orders": 150, "products": 12}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StoreHandle]:
    handle = start_store(seed=11, api_key=TEST_API_KEY, api_secret=TEST_API_SECRET,
                         db_path=str(tmp_path / "store.sqlite3"), bulk_dir=str(tmp_path / "bulk"),
                         **STORE_SIZE)
    yield handle
    handle.stop()


@pytest.fixture
def live_app(app: Flask, store: StoreHandle, tmp_path: Path, make_app: MakeApp) -> Flask:
    """The app, on the test database, with Shopify routed to the simulated store."""
    live = make_app(make_settings(tmp_path / "live", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
                                  SHOPIFY_STORE_URL_OVERRIDE=store.base_url))
    return live


def truth(store: StoreHandle) -> dict[str, Any]:
    """Return the store's ground truth (counts and money sums)."""
    with httpx.Client(base_url=store.base_url) as client:
        data: dict[str, Any] = client.get("/_devstore/truth").json()
        return data


def install(live_app: Flask, store: StoreHandle) -> int:
    """Open the app as the Admin would; return the response status."""
    response = live_app.test_client().get("/", query_string={
        "shop": store.shop, "host": "YWRtaW4", "embedded": "1", "id_token": store.id_token()})
    return response.status_code


def shop_id(live_app: Flask, store: StoreHandle) -> int:
    from sqlalchemy import select

    from xsight.models import Shop

    with live_app.app_context():
        return db.session.scalars(select(Shop.id).where(Shop.domain == store.shop)).one()


def db_totals(live_app: Flask) -> dict[str, Any]:
    """Return the app's counts and money sums in the shape of the store's truth."""
    from decimal import Decimal

    from sqlalchemy import func, select

    from xsight.models import Customer, Order

    with live_app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Order))
        total = db.session.scalar(select(func.sum(Order.total_price))) or Decimal(0)
        refunded = db.session.scalar(select(func.sum(Order.total_refunded))) or Decimal(0)
        customers = db.session.scalar(select(func.count()).select_from(Customer))
    return {"customers": customers, "orders": count, "total": f"{total:.2f}",
            "refunded": f"{refunded:.2f}"}


def truth_totals(store: StoreHandle) -> dict[str, Any]:
    """Return the store's truth in the shape of db_totals."""
    t = truth(store)
    return {"customers": t["customers"], "orders": t["orders"]["count"],
            "total": f"{float(t['orders']['total']):.2f}",
            "refunded": f"{float(t['orders']['refunded']):.2f}"}


def activity(store: StoreHandle, count: int) -> None:
    """Make the store change `count` things now (orders, refunds, cancellations, customers)."""
    with httpx.Client(base_url=store.base_url) as client:
        assert client.post("/_devstore/activity/step", json={"count": count}).status_code == 200


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry quickly: these tests check what faults do to the data, not how long waits last."""
    monkeypatch.setattr("xsight.shopify.retry.BACKOFF_BASE_SECONDS", 0.02)
    monkeypatch.setattr("xsight.shopify.retry.MAX_RETRY_AFTER_SECONDS", 0.2)


@pytest.fixture
def served_app(live_app: Flask, store: StoreHandle) -> Iterator[str]:
    """Serve the live app over HTTP on loopback and point the store's webhooks at it."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    store.config.app_url = url
    yield url
    server.shutdown()
    thread.join(10)
    server.server_close()


def wait_for_webhooks(store: StoreHandle, timeout: float = 30.0) -> None:
    """Wait until the store's webhook sender has delivered (or given up on) everything."""
    import time

    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=store.base_url) as client:
        while time.monotonic() < deadline:
            if client.get("/_devstore/webhooks").json()["idle"]:
                return
            time.sleep(0.1)
    raise AssertionError("the store's webhook sender did not go idle")
