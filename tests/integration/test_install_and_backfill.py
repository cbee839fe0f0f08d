"""Install through the simulated store, then the backfill equals the store's data exactly."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.integration.conftest import install, shop_id, truth
from xsight.devstore import bulk as devstore_bulk
from xsight.devstore.bulk import BulkRunner
from xsight.devstore.server import StoreHandle
from xsight.extensions import db
from xsight.models import Customer, Order, Shop, SyncRun


def test_install_backfills_everything(live_app: Flask, store: StoreHandle) -> None:
    assert install(live_app, store) == 200
    expected = truth(store)
    sid = shop_id(live_app, store)
    with live_app.app_context():
        run = db.session.scalars(select(SyncRun).where(SyncRun.shop_id == sid)).one()
        assert (run.kind, run.status, run.error) == ("backfill", "succeeded", None)
        assert run.processed == run.total and run.total > 0
        shop = db.session.get(Shop, sid)
        assert shop.name and shop.currency and shop.iana_timezone
        assert db.session.scalar(select(func.count()).select_from(Customer)) == expected["customers"]
        assert db.session.scalar(select(func.count()).select_from(Order)) == expected["orders"]["count"]
        total = db.session.scalar(select(func.sum(Order.total_price)))
        assert total == Decimal(expected["orders"]["total"])
        refunded = db.session.scalar(select(func.sum(Order.total_refunded)))
        assert refunded == Decimal(expected["orders"]["refunded"])
        orphans = db.session.scalar(select(func.count()).select_from(Order).where(
            Order.customer_gid.is_not(None), Order.customer_id.is_(None)))
        assert orphans == 0


def test_backfill_runs_its_three_exports_at_once(
    live_app: Flask, store: StoreHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """API 2026-01+ runs five bulk queries at a time: customers, products and orders export together."""
    started: list[int] = []
    together: list[bool] = []
    all_started = threading.Event()
    original = BulkRunner._run

    def run(self: BulkRunner, shop: str, op_id: int, plan: Any) -> None:
        started.append(op_id)
        if len(started) == 3:
            all_started.set()
        together.append(all_started.wait(5))
        original(self, shop, op_id, plan)

    monkeypatch.setattr(BulkRunner, "_run", run)
    assert install(live_app, store) == 200
    assert len(started) == 3 and together == [True, True, True]
    with live_app.app_context():
        run_row = db.session.scalars(select(SyncRun)).one()
        assert (run_row.status, run_row.processed) == ("succeeded", run_row.total)


def test_backfill_exports_one_at_a_time_where_the_shop_allows_one(
    live_app: Flask, store: StoreHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(devstore_bulk, "MAX_RUNNING", 1)
    assert install(live_app, store) == 200
    expected = truth(store)
    with live_app.app_context():
        run_row = db.session.scalars(select(SyncRun)).one()
        assert (run_row.status, run_row.error) == ("succeeded", None)
        assert db.session.scalar(select(func.count()).select_from(Customer)) == expected["customers"]
        assert db.session.scalar(select(func.count()).select_from(Order)) == expected["orders"]["count"]
