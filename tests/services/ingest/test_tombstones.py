"""A deleted order stays deleted: late webhooks and stale sync pages cannot bring it back."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import func, select

from tests.services.test_apply import order_payload, run
from xsight.extensions import db
from xsight.models import Customer, DailyShop, DeletedObject, Order, OrderLineItem, Product, Shop
from xsight.services.ingest import tombstones, webhook_rows
from xsight.services.ingest.apply import write_order
from xsight.services.ingest.writer import Writer

REFUND = {"id": 31, "order_id": 1001, "created_at": "2026-01-05T00:00:00Z",
          "refund_line_items": [{"id": 41, "line_item_id": 5, "quantity": 1, "subtotal": "25.00",
                                 "total_tax": "0.00"}], "transactions": [{"amount": "25.00"}]}


def counts(app: Flask, shop_id: int) -> tuple[int, int, int]:
    with app.app_context():
        orders = db.session.scalar(select(func.count()).select_from(Order).where(Order.shop_id == shop_id))
        lines = db.session.scalar(select(func.count()).select_from(OrderLineItem)
                                  .where(OrderLineItem.shop_id == shop_id))
        day_orders = db.session.scalar(select(func.coalesce(func.sum(DailyShop.orders), 0))
                                       .where(DailyShop.shop_id == shop_id))
        return int(orders or 0), int(lines or 0), int(day_orders or 0)


def test_late_webhooks_of_a_deleted_order_are_ignored(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop, other = make_shop(), make_shop()
    for s in (shop, other):
        run(app, s.id, "orders/create", order_payload("2026-01-01T10:00:00Z"))
    assert counts(app, shop.id) == (1, 1, 1)
    assert run(app, shop.id, "orders/delete", {"id": 1001}) == "processed"
    assert run(app, shop.id, "orders/delete", {"id": 1001}) == "processed"  # again: one tombstone
    # Sent before the delete, delivered after it (older and newer updated_at alike).
    assert run(app, shop.id, "orders/cancelled", order_payload("2026-01-02T00:00:00Z")) == "ignored"
    assert run(app, shop.id, "orders/updated", order_payload("2027-01-01T00:00:00Z")) == "ignored"
    assert run(app, shop.id, "refunds/create", REFUND) == "ignored"  # not retried for ever
    assert counts(app, shop.id) == (0, 0, 0)
    assert counts(app, other.id) == (1, 1, 1)  # the same id in another shop is untouched
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DeletedObject)) == 1


def test_purge_undoes_a_stale_sync_page(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop, other = make_shop(), make_shop()
    run(app, shop.id, "orders/delete", {"id": 1001})  # deleted before the page that still had it
    with app.app_context():
        for s in (shop, other):
            writer = Writer(db.session, s.id)
            write_order(writer, webhook_rows.order(order_payload("2026-01-01T10:00:00Z")))
            writer.flush()
        db.session.commit()
    assert counts(app, shop.id)[:2] == (1, 1)
    with app.app_context():
        assert tombstones.is_buried(db.session, shop.id, "gid://shopify/Order/1001")
        assert not tombstones.is_buried(db.session, other.id, "gid://shopify/Order/1001")
        tombstones.purge(db.session, shop.id)
        db.session.commit()
    assert counts(app, shop.id)[:2] == (0, 0)
    assert counts(app, other.id)[:2] == (1, 1)


def test_a_delete_delivered_before_the_create_wins(app: Flask, make_shop: Callable[..., Shop]) -> None:
    """Reordered deliveries: products/delete and customers/delete before their create."""
    shop = make_shop()
    product = {"id": 9, "title": "Mug", "created_at": "2026-01-01T00:00:00Z",
               "updated_at": "2026-01-01T00:00:00Z", "variants": [{"id": 10, "price": "25.00"}]}
    customer = {"id": 77, "first_name": "Ada", "last_name": "L", "email": "ada@example.com",
                "created_at": "2025-12-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "tags": ""}
    assert run(app, shop.id, "products/delete", {"id": 9}) == "processed"
    assert run(app, shop.id, "customers/delete", {"id": 77}) == "processed"
    assert run(app, shop.id, "products/create", product) == "ignored"
    assert run(app, shop.id, "customers/create", customer) == "ignored"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Product)) == 0
        assert db.session.scalar(select(func.count()).select_from(Customer)) == 0
        # A stale sync page wrote the product anyway: the purge marks it deleted again.
        writer = Writer(db.session, shop.id)
        row, _ = webhook_rows.product(product)
        writer.add("products", row)
        writer.flush()
        tombstones.purge(db.session, shop.id)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Product)
                                 .where(Product.deleted_at.is_(None))) == 0
