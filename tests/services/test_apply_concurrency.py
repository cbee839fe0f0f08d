"""Writers of one shop on PostgreSQL take turns instead of deadlocking; a lost DB race is retried."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

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
from xsight.services.ingest import webhook_rows
from xsight.services.ingest.apply import apply, write_order
from xsight.services.ingest.writer import Writer


def write_as_webhook(shop_id: int, payload: dict[str, Any]) -> None:
    apply(db.session, shop_id, "orders/updated", payload)


def write_as_sync(shop_id: int, payload: dict[str, Any]) -> None:  # the syncs' Writer, without apply
    writer = Writer(db.session, shop_id)
    write_order(writer, webhook_rows.order(payload))
    writer.flush()


@pytest.mark.skipif(not POSTGRES, reason="advisory locks and row locks of PostgreSQL")
@pytest.mark.parametrize("write", [write_as_webhook, write_as_sync], ids=["webhook", "sync"])
def test_a_writer_takes_the_shop_turn_before_any_row_lock(
        app: Flask, make_shop: Callable[..., Shop], write: Callable[[int, dict[str, Any]], None]) -> None:
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
                write(shop.id, copy.deepcopy(order_payload("2026-01-02T10:00:00Z", total="60.00")))
                db.session.commit()
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)

    worker = threading.Thread(target=deliver)
    worker.start()
    try:
        worker.join(1.0)
        assert worker.is_alive(), "the writer must wait for the shop's turn"
        # The other writer now locks the order row. Had the writer locked it before waiting for the
        # turn, this would wait on the writer while the writer waits on us: a deadlock.
        other.execute(text("UPDATE orders SET name = '#1001-x' WHERE shop_id = :shop"), {"shop": shop.id})
        other.commit()
    finally:
        other.close()
        worker.join(10)
    assert not worker.is_alive() and errors == []
    with app.app_context():
        total = db.session.scalars(select(Order.total_price).where(Order.shop_id == shop.id)).one()
    assert total == Decimal("60.00")


@pytest.mark.parametrize("wrapped", [True, False], ids=["sqlalchemy", "driver-level"])
def test_a_deadlock_leaves_the_delivery_retrying(app: Flask, make_shop: Callable[..., Shop],
                                                 monkeypatch: pytest.MonkeyPatch, wrapped: bool) -> None:
    shop = make_shop()
    error = psycopg.errors.DeadlockDetected("deadlock detected")

    def deadlocked(*args: object) -> str:
        raise OperationalError("UPDATE orders …", {}, error) if wrapped else error

    monkeypatch.setattr(ingest, "apply", deadlocked)
    with app.app_context():
        payload = json.dumps(order_payload("2026-01-01T10:00:00Z"))
        delivery = WebhookDelivery(shop_id=shop.id, webhook_id="d-1", topic="orders/create",
                                   status="received", payload=payload)
        db.session.add(delivery)
        db.session.commit()
        with pytest.raises((OperationalError, psycopg.errors.DeadlockDetected)):
            webhook_service.process(delivery.id)
        db.session.refresh(delivery)
        assert delivery.status == "retrying"
        assert webhook_service.transient(OperationalError("x", {}, Exception("database is locked")))
        assert not webhook_service.transient(OperationalError("x", {}, Exception("no such table: x")))
