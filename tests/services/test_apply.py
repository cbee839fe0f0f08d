"""Webhook application is idempotent and order-independent: the newest version wins."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from xsight.extensions import db
from xsight.models import Customer, Order, OrderLineItem, Refund, RefundLineItem, Shop
from xsight.services.ingest.apply import ParentNotYetSynced, apply


def order_payload(updated: str, total: str = "50.00", customer_id: int | None = 77) -> dict[str, Any]:
    return {
        "id": 1001, "name": "#1001", "created_at": "2026-01-01T10:00:00Z",
        "processed_at": "2026-01-01T10:00:00Z", "updated_at": updated, "currency": "USD",
        "total_price": total, "subtotal_price": total, "total_tax": "0.00",
        "total_discounts": "0.00",
        "customer": {"id": customer_id} if customer_id else None,
        "line_items": [{"id": 5, "title": "Mug", "quantity": 2, "price": "25.00",
                        "product_id": 9, "variant_id": 10, "gift_card": False}],
        "refunds": [],
    }


def customer_payload(updated: str, first: str = "Ada") -> dict[str, Any]:
    return {"id": 77, "first_name": first, "last_name": "L", "email": "ada@example.com",
            "created_at": "2025-12-01T00:00:00Z", "updated_at": updated, "tags": "vip"}


def run(app: Flask, shop_id: int, topic: str, payload: dict[str, Any]) -> str:
    with app.app_context():
        result = apply(db.session, shop_id, topic, copy.deepcopy(payload))
        db.session.commit()
        return result


def one(app: Flask, model: type) -> Any:
    with app.app_context():
        row = db.session.scalars(select(model)).one()
        db.session.expunge(row)
        return row


def test_stale_update_never_regresses(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    run(app, shop.id, "orders/updated", order_payload("2026-01-03T00:00:00Z", total="40.00"))
    run(app, shop.id, "orders/create", order_payload("2026-01-01T10:00:00Z", total="50.00"))
    assert one(app, Order).total_price == Decimal("40.00")
    run(app, shop.id, "orders/updated", order_payload("2026-01-03T00:00:00Z", total="40.00"))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OrderLineItem)) == 1


def test_order_before_customer_is_linked_when_customer_arrives(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    run(app, shop.id, "orders/create", order_payload("2026-01-01T10:00:00Z"))
    assert one(app, Order).customer_id is None
    run(app, shop.id, "customers/create", customer_payload("2026-01-01T00:00:00Z"))
    customer = one(app, Customer)
    assert one(app, Order).customer_id == customer.id
    assert customer.tags == ["vip"]
    run(app, shop.id, "customers/update", customer_payload("2025-01-01T00:00:00Z", first="Old"))
    assert one(app, Customer).first_name == "Ada"


def test_order_moved_to_another_customer_follows_it(app: Flask, make_shop: Callable[..., Shop]) -> None:
    """The stored customer_id follows the order's customer gid: to another stored customer, or none."""
    shop = make_shop()
    run(app, shop.id, "customers/create", customer_payload("2026-01-01T00:00:00Z"))
    run(app, shop.id, "customers/create", {**customer_payload("2026-01-01T00:00:00Z"), "id": 78,
                                           "email": "bo@example.com"})
    with app.app_context():
        ids = dict(db.session.execute(select(Customer.shopify_gid, Customer.id)).all())
    run(app, shop.id, "orders/create", order_payload("2026-01-01T10:00:00Z"))
    assert one(app, Order).customer_id == ids["gid://shopify/Customer/77"]
    run(app, shop.id, "orders/updated", order_payload("2026-01-02T10:00:00Z", customer_id=78))
    assert one(app, Order).customer_id == ids["gid://shopify/Customer/78"]
    run(app, shop.id, "orders/updated", order_payload("2026-01-03T10:00:00Z", customer_id=79))
    order = one(app, Order)
    assert (order.customer_gid, order.customer_id) == ("gid://shopify/Customer/79", None)


def test_refund_before_order_is_retried_then_applied(app: Flask,
                                                     make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    refund = {"id": 31, "order_id": 1001, "created_at": "2026-01-05T00:00:00Z",
              "refund_line_items": [{"id": 41, "line_item_id": 5, "quantity": 1,
                                     "subtotal": "25.00", "total_tax": "0.00"}],
              "transactions": [{"amount": "25.00"}]}
    with pytest.raises(ParentNotYetSynced):
        run(app, shop.id, "refunds/create", refund)
    run(app, shop.id, "orders/create", order_payload("2026-01-01T10:00:00Z"))
    run(app, shop.id, "refunds/create", refund)
    run(app, shop.id, "refunds/create", refund)  # duplicate delivery changes nothing
    assert one(app, Refund).total_refunded == Decimal("25.00")
    assert one(app, RefundLineItem).subtotal == Decimal("25.00")


def test_delete_removes_the_order_and_children(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    run(app, shop.id, "orders/create", order_payload("2026-01-01T10:00:00Z"))
    run(app, shop.id, "orders/delete", {"id": 1001})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 0
        assert db.session.scalar(select(func.count()).select_from(OrderLineItem)) == 0


def test_unknown_topic_is_ignored(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    assert run(app, shop.id, "inventory_levels/update", json.loads("{}")) == "ignored"
