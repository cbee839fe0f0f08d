"""Two writers of one shop on PostgreSQL take turns instead of deadlocking; a lost DB race is retried."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from decimal import Decimal

import psycopg
import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from tests.conftest import POSTGRES
from tests.services.test_apply import order_payload, run
from xsight.extensions import db
from xsight.models import Order, Shop, WebhookDelivery
from xsight.services import locks
from xsight.services import webhooks as webhook_service
from xsight.services.ingest import apply as ingest
from xsight.services.ingest.apply import apply


@pytest.mark.skipif(not POSTGRES, reason="advisory locks and row locks of PostgreSQL")
def test_a_delivery_takes_the_shop_turn_before_any_row_lock(app: Flask,
                                                            make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    run(app, shop.id, "orders/create", order_payload("2026-01-01T10:00:00Z"))
    errors: list[BaseException] = []
    with app.app_context():
        other = db.engine.connect()  # another writer of the shop (a second consumer, a sync)
        other.execute(text("SET lock_timeout = '5s'"))
        other.execute(text("SELECT pg_advisory_xact_lock(:space, :shop)"),
                      {"space": locks.NAMESPACE - 2**31, "shop": shop.id})

    def deliver() -> None:
        try:
            with app.app_context():
                apply(db.session, shop.id, "orders/updated",
                      copy.deepcopy(order_payload("2026-01-02T10:00:00Z", total="60.00")))
                db.session.commit()
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)

    worker = threading.Thread(target=deliver)
    worker.start()
    worker.join(1.0)
    assert worker.is_alive(), "the delivery must wait for the shop's turn"
    # The other writer now locks the order row. Had the delivery locked it before waiting for the
    # turn, this would wait on the delivery while the delivery waits on us: a deadlock.
    other.execute(text("UPDATE orders SET name = '#1001-x' WHERE shop_id = :shop"), {"shop": shop.id})
    other.commit()
    other.close()
    worker.join(10)
    assert not worker.is_alive() and errors == []
    with app.app_context():
        total = db.session.scalars(select(Order.total_price).where(Order.shop_id == shop.id)).one()
    assert total == Decimal("60.00")


def test_a_deadlock_leaves_the_delivery_retrying(app: Flask, make_shop: Callable[..., Shop],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    shop = make_shop()

    def deadlocked(*args: object) -> str:
        raise OperationalError("UPDATE orders …", {}, psycopg.errors.DeadlockDetected("deadlock detected"))

    monkeypatch.setattr(ingest, "apply", deadlocked)
    with app.app_context():
        payload = json.dumps(order_payload("2026-01-01T10:00:00Z"))
        delivery = WebhookDelivery(shop_id=shop.id, webhook_id="d-1", topic="orders/create",
                                   status="received", payload=payload)
        db.session.add(delivery)
        db.session.commit()
        with pytest.raises(OperationalError):
            webhook_service.process(delivery.id)
        db.session.refresh(delivery)
        assert delivery.status == "retrying"
        assert webhook_service.transient(OperationalError("x", {}, Exception("database is locked")))
        assert not webhook_service.transient(OperationalError("x", {}, Exception("no such table: x")))
