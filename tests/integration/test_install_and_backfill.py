"""Install through the simulated store, then the backfill equals the store's data exactly."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from sqlalchemy import func, select

from tests.integration.conftest import install, shop_id, truth
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
