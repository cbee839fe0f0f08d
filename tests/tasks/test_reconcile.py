"""The periodic reconcile honours each shop's own sync interval."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from xsight.extensions import db
from xsight.models import Shop, SyncRun
from xsight.models.types import utcnow
from xsight.tasks.sync import reconcile_all


def runs(shop_id: int) -> int:
    return int(db.session.scalar(select(func.count()).select_from(SyncRun).where(SyncRun.shop_id == shop_id))
               or 0)


def test_reconcile_skips_shops_whose_interval_has_not_passed(app: Flask,
                                                             make_shop: Callable[..., Shop]) -> None:
    done = {"backfilled_at": "2026-01-01T00:00:00Z"}
    hourly = make_shop(settings={**done, "sync_interval_minutes": 60})
    due = make_shop(settings={**done, "sync_interval_minutes": 30})
    with app.app_context():
        for shop in (hourly, due):
            db.session.add(SyncRun(shop_id=shop.id, kind="incremental", status="succeeded",
                                   created_at=utcnow() - timedelta(minutes=40)))
        db.session.commit()
        reconcile_all.call_local()
        db.session.expire_all()
        assert runs(hourly.id) == 1, "an hourly shop synced 40 minutes ago is not due"
        assert runs(due.id) == 2, "a 30-minute shop synced 40 minutes ago is due"
