"""Retention deletes exactly the settled records older than each limit, never pending work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from xsight.extensions import db
from xsight.models import CustomerDataAccess, Shop, SyncRun, WebhookDelivery
from xsight.models.types import utcnow
from xsight.services import retention

DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


def add_delivery(shop_id: int, name: str, status: str, age: timedelta) -> None:
    db.session.add(WebhookDelivery(shop_id=shop_id, webhook_id=name, topic="orders/create",
                                   status=status, received_at=utcnow() - age))


def add_run(shop_id: int, status: str, finished_age: timedelta | None) -> int:
    now = utcnow()
    run = SyncRun(shop_id=shop_id, kind="incremental", status=status, checkpoint={},
                  created_at=now - (finished_age or DAY) - DAY,
                  finished_at=None if finished_age is None else now - finished_age)
    db.session.add(run)
    db.session.flush()
    return int(run.id)


def test_webhook_deliveries_older_than_the_limit_and_settled_are_deleted(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        for status in retention.SETTLED_DELIVERIES:
            add_delivery(shop.id, f"old-{status}", status, 30 * DAY + SECOND * 5)
            add_delivery(shop.id, f"new-{status}", status, 30 * DAY - SECOND * 5)
        add_delivery(shop.id, "old-received", "received", 90 * DAY)  # never applied: kept
        add_delivery(shop.id, "old-retrying", "retrying", 90 * DAY)
        db.session.commit()
        assert retention.purge_webhook_deliveries(30) == len(retention.SETTLED_DELIVERIES)
        left = set(db.session.scalars(select(WebhookDelivery.webhook_id)))
        assert left == {f"new-{s}" for s in retention.SETTLED_DELIVERIES} | {"old-received", "old-retrying"}
        assert retention.purge_webhook_deliveries(30) == 0  # idempotent


def test_sync_runs_keep_active_recent_and_each_shops_latest(app: Flask,
                                                           make_shop: Callable[..., Shop]) -> None:
    a, b = make_shop(), make_shop()
    with app.app_context():
        gone = [add_run(a.id, status, 91 * DAY) for status in ("succeeded", "failed", "cancelled")]
        running = add_run(a.id, "running", None)  # a running run is never deleted, whatever its age
        db.session.execute(SyncRun.__table__.update().where(SyncRun.id == running)
                           .values(created_at=utcnow() - 400 * DAY))
        recent = add_run(a.id, "succeeded", 89 * DAY)
        latest_a = add_run(a.id, "succeeded", 5 * DAY)
        b_only = add_run(b.id, "failed", 200 * DAY)  # old, but b's latest: kept for "last synced"
        db.session.commit()
        assert retention.purge_sync_runs(90) == len(gone)
        left = set(db.session.scalars(select(SyncRun.id)))
        assert left == {running, recent, latest_a, b_only}


def test_access_log_and_the_daily_task_use_the_settings(app: Flask, make_shop: Callable[..., Shop]) -> None:
    from xsight.tasks.maintenance import purge_expired_records

    shop = make_shop()
    with app.app_context():
        for days in (366, 364):
            db.session.add(CustomerDataAccess(shop_id=shop.id, route="/x", customer_count=1,
                                              accessed_at=utcnow() - days * DAY))
        add_delivery(shop.id, "w-old", "processed", 31 * DAY)
        add_delivery(shop.id, "w-new", "processed", 29 * DAY)
        add_run(shop.id, "succeeded", 100 * DAY)
        add_run(shop.id, "succeeded", 1 * DAY)
        db.session.commit()
        assert purge_expired_records.call_local() == {
            "webhook_deliveries": 1, "sync_runs": 1, "access_log": 1}


def test_batches_cover_more_rows_than_one_batch(app: Flask, make_shop: Callable[..., Shop],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "BATCH_ROWS", 3)
    shop = make_shop()
    with app.app_context():
        for n in range(7):
            add_delivery(shop.id, f"w{n}", "processed", 40 * DAY)
        add_delivery(shop.id, "keep", "processed", DAY)
        db.session.commit()
        assert retention.purge_webhook_deliveries(30) == 7
        assert list(db.session.scalars(select(WebhookDelivery.webhook_id))) == ["keep"]
