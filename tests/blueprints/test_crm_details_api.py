"""Customer profile, timeline and order detail of customers who have orders (found by the contract fuzz)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bench.crm_data import build
from tests.conftest import ShopifyHelper
from xsight.extensions import db
from xsight.models import Order, OrderLineItem, Shop


def test_profile_timeline_and_order_of_a_buyer(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                               make_shop: Callable[..., Shop]) -> None:
    # Regression: order_rows and the timeline used Result.tuples(), deprecated in SQLAlchemy 2.1,
    # which failed every profile, timeline and order list that had orders under warnings-as-errors.
    shop = make_shop(iana_timezone="UTC")
    with app.app_context():
        build(db.session, shop.id, 10)
        db.session.commit()
        order = db.session.scalars(select(Order).where(Order.shop_id == shop.id,
                                                       Order.customer_id.is_not(None))).first()
        assert order is not None
        lines = db.session.scalar(select(func.count()).where(OrderLineItem.order_id == order.id))
        order_id, customer_id = order.id, order.customer_id
    auth = shopify.auth(shop.domain)
    profile = client.get(f"/api/v1/customers/{customer_id}", headers=auth)
    assert profile.status_code == 200, profile.json
    assert order_id in {o["id"] for o in profile.json["orders"]}
    listed = client.get(f"/api/v1/orders?customer_id={customer_id}", headers=auth)
    assert listed.status_code == 200, listed.json
    row = next(o for o in listed.json["orders"] if o["id"] == order_id)
    assert row["line_item_count"] == lines and row["customer"]["id"] == customer_id
    events = client.get(f"/api/v1/customers/{customer_id}/timeline", headers=auth)
    assert events.status_code == 200, events.json
    assert "order_placed" in {e["kind"] for e in events.json["events"]}
    detail = client.get(f"/api/v1/orders/{order_id}", headers=auth)
    assert detail.status_code == 200 and len(detail.json["order"]["line_items"]) == lines
