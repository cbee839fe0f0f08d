"""SQLite: a delivery that finds the write lock taken (a long rebuild) is spooled, answered 200 and kept."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.blueprints.test_webhook_lean import count, signed
from tests.conftest import POSTGRES, ShopifyHelper
from xsight.extensions import db
from xsight.models import Order, Shop, WebhookDelivery
from xsight.services import webhook_record
from xsight.services import webhooks as webhook_service
from xsight.tasks import webhooks as webhook_tasks

pytestmark = pytest.mark.skipif(POSTGRES, reason="only SQLite has one write lock per database")
SHOP = "lean.myshopify.com"


@pytest.fixture
def shop(make_shop: Callable[..., Shop]) -> Shop:
    return make_shop(domain=SHOP)


@pytest.fixture
def spooled(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Catch what the intake spools (the real task is run by hand, after the lock is free)."""
    caught: list[dict[str, Any]] = []
    monkeypatch.setattr(webhook_service, "spool_delivery", [caught.append])
    monkeypatch.setattr(webhook_record, "SQLITE_RECORD_WAIT_MS", 100)
    return caught


@pytest.fixture
def write_lock(app: Flask) -> Iterator[sqlite3.Connection]:
    """Hold the database's write lock from another connection, as a long rollup rebuild does."""
    with app.app_context():
        path = db.engine.url.database
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def _run(app: Flask, delivery: dict[str, Any]) -> str:
    """Run the spooled task as the worker would, in the app."""
    with app.app_context():
        outcome: str = webhook_tasks.record_spooled_webhook.call_local(delivery)
        return outcome


def _rows(app: Flask) -> list[WebhookDelivery]:
    with app.app_context():
        db.session.remove()
        return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_busy_database_spools_the_delivery_and_the_task_records_and_applies_it(
        app: Flask, client: FlaskClient, shop: Shop, shopify: ShopifyHelper,
        spooled: list[dict[str, Any]], write_lock: sqlite3.Connection) -> None:
    body, headers = signed(shopify, webhook_id="spool-1")
    before = count("xsight_webhook_deliveries_total", topic="orders/create", outcome="spooled")
    started = time.perf_counter()
    response = client.post("/webhooks", data=body, headers=headers)
    waited = time.perf_counter() - started
    assert response.status_code == 200 and response.json == {"status": "spooled"}
    assert waited < 5  # not the 15 s busy timeout: Shopify gives up on a delivery after 5 s
    assert count("xsight_webhook_deliveries_total", topic="orders/create", outcome="spooled") == before + 1
    assert [d["webhook_id"] for d in spooled] == ["spool-1"] and json.loads(spooled[0]["body"])
    write_lock.execute("ROLLBACK")  # the rebuild ends
    assert _rows(app) == []
    assert _run(app, spooled[0]) == "recorded"
    rows = _rows(app)
    assert [(r.webhook_id, r.topic, r.status, r.api_version) for r in rows] == [
        ("spool-1", "orders/create", "processed", "2026-04")]
    assert rows[0].event_id == headers["X-Shopify-Event-Id"] and rows[0].triggered_at is not None
    with app.app_context():
        assert db.session.scalar(select(Order.shopify_gid).where(Order.shop_id == shop.id)) is not None
    # Shopify sends the same delivery again: the spooled copy already counts, nothing is applied twice.
    assert _run(app, spooled[0]) == "duplicate"
    assert client.post("/webhooks", data=body, headers=headers).json == {"status": "duplicate"}
    assert len(_rows(app)) == 1


def test_unknown_shops_and_malformed_bodies_answer_as_always_while_busy(
        app: Flask, client: FlaskClient, shop: Shop, shopify: ShopifyHelper,
        spooled: list[dict[str, Any]], write_lock: sqlite3.Connection) -> None:
    body, headers = signed(shopify, webhook_id="spool-2", shop="nobody.myshopify.com")
    assert client.post("/webhooks", data=body, headers=headers).json == {"status": "unknown_shop"}
    body, headers = signed(shopify, webhook_id="spool-3", raw=b'{"id": ')
    response = client.post("/webhooks", data=body, headers=headers)
    assert response.status_code == 400 and response.json["error"] == "malformed_json"
    assert [d["webhook_id"] for d in spooled] == ["spool-3"]  # kept for inspection, once recorded
    write_lock.execute("ROLLBACK")
    assert _run(app, spooled[0]) == "malformed"
    assert [(r.webhook_id, r.status) for r in _rows(app)] == [("spool-3", "malformed")]


def test_a_spooled_delivery_that_still_finds_the_lock_taken_is_tried_again_later(
        app: Flask, client: FlaskClient, shop: Shop, shopify: ShopifyHelper,
        spooled: list[dict[str, Any]], write_lock: sqlite3.Connection,
        monkeypatch: pytest.MonkeyPatch) -> None:
    body, headers = signed(shopify, webhook_id="spool-4")
    assert client.post("/webhooks", data=body, headers=headers).json == {"status": "spooled"}
    monkeypatch.setattr(webhook_record, "SQLITE_BUSY_TIMEOUT_MS", 100)  # the task's (long) wait
    again: list[tuple[Any, ...]] = []
    monkeypatch.setattr(webhook_tasks.record_spooled_webhook, "schedule",
                        lambda args, delay: again.append((args, delay)))
    assert _run(app, spooled[0]) == "busy"
    assert again == [((spooled[0],), webhook_tasks.SPOOL_RETRY_S)] and _rows(app) == []
    write_lock.execute("ROLLBACK")
    assert _run(app, *again[0][0]) == "recorded"
    assert [r.webhook_id for r in _rows(app)] == ["spool-4"]
