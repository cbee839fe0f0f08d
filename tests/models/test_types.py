"""Money is exact and timestamps are aware UTC on every backend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from xsight.extensions import db
from xsight.models import Order, Shop
from xsight.models.types import from_minor, to_minor


def test_minor_units_round_trip_exactly() -> None:
    for text in ["0", "0.01", "19.99", "-5.5", "123456789.1234", "0.0001"]:
        assert from_minor(to_minor(Decimal(text))) == Decimal(text)
    with pytest.raises(ValueError, match="more than 4 decimal places"):
        to_minor(Decimal("0.00001"))


def test_money_sums_are_exact_in_the_database(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with app.app_context():
        for i in range(1000):
            db.session.add(Order(shop_id=shop.id, shopify_gid=f"gid://shopify/Order/{i}",
                                 processed_at=at, currency_code="USD",
                                 total_price=Decimal("0.10")))
        db.session.commit()
        total = db.session.scalar(select(func.sum(Order.total_price)))
        assert total == Decimal("100.0000")
        assert isinstance(total, Decimal)


def test_timestamps_come_back_aware_utc(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    tokyo = timezone(timedelta(hours=9))
    with app.app_context():
        db.session.add(Order(shop_id=shop.id, shopify_gid="gid://shopify/Order/1",
                             processed_at=datetime(2026, 3, 1, 9, tzinfo=tokyo),
                             currency_code="JPY"))
        db.session.commit()
        db.session.expire_all()
        order = db.session.scalars(select(Order)).one()
        assert order.processed_at == datetime(2026, 3, 1, 0, tzinfo=UTC)
        assert order.processed_at.tzinfo is not None


def test_naive_timestamps_are_refused(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        db.session.add(Order(shop_id=shop.id, shopify_gid="gid://shopify/Order/1",
                             processed_at=datetime(2026, 3, 1), currency_code="USD"))
        with pytest.raises(StatementError, match="timezone-aware"):
            db.session.commit()
        db.session.rollback()
