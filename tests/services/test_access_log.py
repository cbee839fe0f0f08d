"""Responses with customers' personal data are recorded; old records are purged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask, Response, g
from sqlalchemy import select

from xsight.extensions import db
from xsight.models import CustomerDataAccess, Shop
from xsight.models.types import utcnow
from xsight.services.access_log import purge_access_log, record_customer_data, write_access_log


def test_personal_data_responses_are_logged(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.test_request_context("/api/v1/customers"):
        g.shop, g.staff_user_id = shop, "42"
        record_customer_data(20)
        record_customer_data(1)
        write_access_log(Response(status=200))
    with app.test_request_context("/api/v1/customers"):
        g.shop = shop
        record_customer_data(5)
        write_access_log(Response(status=404))  # failed responses carried no data
    with app.test_request_context("/api/v1/shop"):
        g.shop = shop
        write_access_log(Response(status=200))  # no personal data, no record
    with app.app_context():
        rows = db.session.scalars(select(CustomerDataAccess)).all()
        assert [(r.shop_id, r.staff_user_id, r.route, r.customer_count) for r in rows] == [
            (shop.id, "42", "/api/v1/customers", 21)]


def test_purge_keeps_recent_records(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        for days in (400, 366, 10):
            db.session.add(CustomerDataAccess(shop_id=shop.id, route="/x", customer_count=1,
                                              accessed_at=utcnow() - timedelta(days=days)))
        db.session.commit()
        assert purge_access_log(365) == 2
        assert len(db.session.scalars(select(CustomerDataAccess)).all()) == 1


def test_daily_task_uses_the_configured_retention(app: Flask, make_shop: Callable[..., Shop]) -> None:
    from xsight.tasks.maintenance import purge_expired_records

    shop = make_shop()
    with app.app_context():
        for days in (366, 364):
            db.session.add(CustomerDataAccess(shop_id=shop.id, route="/x", customer_count=1,
                                              accessed_at=utcnow() - timedelta(days=days)))
        db.session.commit()
        assert purge_expired_records.call_local()["access_log"] == 1  # default: 365 days
