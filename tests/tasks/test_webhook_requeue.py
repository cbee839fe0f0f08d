"""A delivery whose task was lost (failed enqueue, killed consumer, Redis restart) is applied by the sweep."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from tests.conftest import ShopifyHelper
from tests.services.test_apply import order_payload
from xsight.extensions import db
from xsight.models import Order, Shop, WebhookDelivery
from xsight.models.types import utcnow
from xsight.services import locks, webhook_requeue
from xsight.services import webhooks as webhook_service
from xsight.tasks.webhooks import RETRY_WINDOW_S, STALLED_AFTER_S, requeue_stalled_webhooks

SHOP = "sweep.myshopify.com"
REFUND = {"id": 31, "order_id": 999, "created_at": "2026-01-05T00:00:00Z", "refund_line_items": [],
          "transactions": [{"amount": "5.00"}]}


def post(client: FlaskClient, shopify: ShopifyHelper, webhook_id: str) -> int:
    body = json.dumps(order_payload("2026-01-01T10:00:00Z")).encode()
    headers = shopify.webhook_headers(SHOP, "orders/create", body, webhook_id=webhook_id)
    return client.post("/webhooks", data=body, headers=headers).status_code


def age(app: Flask, seconds: float) -> None:
    with app.app_context():
        db.session.execute(update(WebhookDelivery).values(received_at=utcnow() - timedelta(seconds=seconds)))
        db.session.commit()


def statuses(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(WebhookDelivery.status).order_by(WebhookDelivery.id)))


def test_delivery_recorded_while_the_queue_was_down_is_applied_by_the_sweep(
        app: Flask, client: FlaskClient, make_shop: Callable[..., Shop], shopify: ShopifyHelper,
        monkeypatch: pytest.MonkeyPatch) -> None:
    make_shop(domain=SHOP)

    def queue_down(delivery_id: int) -> None:
        raise ConnectionError("Redis is restarting")

    with monkeypatch.context() as m:
        m.setattr(webhook_service, "enqueue_delivery", [queue_down])
        assert post(client, shopify, "w-1") == 500  # recorded, but its task was never queued
    assert post(client, shopify, "w-1") == 200  # Shopify's retry is a duplicate: nothing queued
    assert statuses(app) == ["received"]
    with app.app_context():
        assert requeue_stalled_webhooks.call_local() == 0  # too young to be called lost
    age(app, STALLED_AFTER_S + 1)
    with app.app_context():
        assert requeue_stalled_webhooks.call_local() == 1
        assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert statuses(app) == ["processed"]


def test_stalled_picks_lost_tasks_only(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop(domain=SHOP)
    rows = [("young-received", "received", 10), ("old-received", "received", 400),
            ("young-retrying", "retrying", 400), ("old-retrying", "retrying", 400 + RETRY_WINDOW_S),
            ("old-processed", "processed", 9000), ("old-failed", "failed", 9000)]
    with app.app_context():
        for name, status, seconds in rows:
            db.session.add(WebhookDelivery(shop_id=shop.id, webhook_id=name, topic="orders/create",
                                           status=status, received_at=utcnow() - timedelta(seconds=seconds)))
        db.session.commit()
        found = webhook_requeue.stalled(300, 300 + RETRY_WINDOW_S)
        names = set(db.session.scalars(select(WebhookDelivery.webhook_id)
                                       .where(WebhookDelivery.id.in_(found))))
    assert names == {"old-received", "old-retrying"}


def test_last_attempt_of_a_retriable_failure_is_failed_not_retrying(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop(domain=SHOP)
    with app.app_context():
        ids = []
        for name in ("early", "last"):
            delivery = WebhookDelivery(shop_id=shop.id, webhook_id=name, topic="refunds/create",
                                       status="received", payload=json.dumps(REFUND))
            db.session.add(delivery)
            db.session.commit()
            ids.append(delivery.id)
        for delivery_id, final in zip(ids, (False, True), strict=True):
            with pytest.raises(Exception, match="not synced yet"):
                webhook_service.process(delivery_id, final=final)
    assert statuses(app) == ["retrying", "failed"]  # a failed one is never swept again


@pytest.mark.parametrize("wrapped", [False, True])
def test_a_locked_sqlite_database_is_retried_not_failed(
        app: Flask, make_shop: Callable[..., Shop], monkeypatch: pytest.MonkeyPatch, wrapped: bool) -> None:
    """The driver-level writers raise sqlite3's own error; SQLAlchemy wraps it. Both are a lost race."""
    raw = sqlite3.OperationalError("database is locked")
    error: Exception = OperationalError("INSERT …", {}, raw) if wrapped else raw

    def locked(*args: object) -> None:
        raise error

    monkeypatch.setattr(webhook_service.ingest, "apply", locked)
    shop = make_shop(domain=SHOP)
    with app.app_context():
        delivery = WebhookDelivery(shop_id=shop.id, webhook_id="locked", topic="orders/create",
                                   status="received", payload=json.dumps(REFUND))
        db.session.add(delivery)
        db.session.commit()
        with pytest.raises(type(error)):
            webhook_service.process(delivery.id)
    assert statuses(app) == ["retrying"]
    assert not locks.lost_race(sqlite3.OperationalError("no such table: orders"))
