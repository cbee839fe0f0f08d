"""Live progress over Socket.IO: this shop's browsers see it to 100%, nobody else does."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.conftest import ShopifyHelper
from tests.integration.conftest import install
from xsight.devstore import bulk as store_bulk
from xsight.devstore.server import StoreHandle
from xsight.extensions import socketio
from xsight.models import Shop

pytestmark = pytest.mark.skipif(bool(os.environ.get("REDIS_URL")),
                                reason="the in-process test client needs the embedded mode; "
                                       "test_realtime_redis covers Redis")


def events(client: Any, wait_for: str, timeout: float = 10.0) -> list[dict[str, Any]]:
    """Collect received events until `wait_for` arrives (messages may cross Redis)."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen += client.get_received()
        if any(e["name"] == wait_for for e in seen):
            break
        time.sleep(0.05)
    return seen


def test_progress_reaches_100_and_stays_in_the_shop(live_app: Flask, store: StoreHandle,
                                                    shopify: ShopifyHelper,
                                                    make_shop: Callable[..., Shop]) -> None:
    assert install(live_app, store) == 200
    make_shop(domain="other.myshopify.com")
    mine = socketio.test_client(live_app, auth={"token": store.id_token()})
    theirs = socketio.test_client(live_app, auth={"token": shopify.id_token("other.myshopify.com")})
    assert mine.is_connected() and theirs.is_connected()
    assert [e["name"] for e in events(mine, "sync:active")][:1] == ["sync:active"]
    theirs.get_received()

    api = live_app.test_client()
    response = api.post("/api/v1/sync", json={"kind": "full"},
                        headers={"Authorization": f"Bearer {store.id_token()}"})
    assert response.status_code == 202, response.json
    run_id = response.json["run"]["id"]

    received = events(mine, "sync:completed")
    progress = [e["args"][0] for e in received if e["name"] == "sync:progress"]
    assert progress, [e["name"] for e in received]
    assert all(p["sync_run_id"] == run_id for p in progress)
    assert progress[-1]["percent"] == 100.0 and progress[-1]["status"] == "succeeded"
    assert {"sync_run_id", "kind", "step", "processed", "total", "percent",
            "eta_seconds"} <= set(progress[-1])
    completed = [e["args"][0] for e in received if e["name"] == "sync:completed"]
    assert completed == [{"sync_run_id": run_id, "kind": "full"}]
    assert theirs.get_received() == []


def test_bad_tokens_cannot_connect(live_app: Flask, shopify: ShopifyHelper) -> None:
    for auth in (None, {"token": "garbage"}, {"token": shopify.id_token("x.myshopify.com")}):
        client = socketio.test_client(live_app, auth=auth)
        assert not client.is_connected()


def test_export_step_counts_objects_while_shopify_exports(live_app: Flask, store: StoreHandle,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_bulk, "BATCH", 5)
    held, release = threading.Event(), threading.Event()
    execute = store_bulk.BulkRunner._execute
    order_batches: list[int] = []

    def paused(self: Any, shop: str, plan: Any, *args: Any) -> Any:
        if plan.table == "orders":
            order_batches.append(1)
            if len(order_batches) == 2:  # hold the orders export after its first 5 orders
                held.set()
                release.wait(20)
        return execute(self, shop, plan, *args)

    monkeypatch.setattr(store_bulk.BulkRunner, "_execute", paused)
    installing = threading.Thread(target=install, args=(live_app, store))  # it runs the backfill
    installing.start()
    seen: list[dict[str, Any]] = []
    try:
        assert held.wait(30)
        browser = socketio.test_client(live_app, auth={"token": store.id_token()})
        deadline = time.monotonic() + 15
        # The three exports run together: wait for the orders export's count, not the first one seen.
        while time.monotonic() < deadline and not any(
                s.startswith("exporting orders: ") and s.endswith(" so far")
                for s in (e["args"][0]["step"] for e in seen if e["name"] == "sync:progress")):
            seen += browser.get_received()
            time.sleep(0.1)
    finally:
        release.set()
    steps = [e["args"][0]["step"] for e in seen if e["name"] == "sync:progress"]
    assert any(s.startswith("exporting orders: ") and s.endswith(" so far") for s in steps), steps
    installing.join(60)
    seen += events(browser, "sync:completed", timeout=30)
    assert any(e["name"] == "sync:completed" for e in seen)
