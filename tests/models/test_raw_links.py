"""Customers, orders and line items have no foreign keys: every delete path still leaves none dangling."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import delete, inspect, select, text, update

from tests.conftest import reset_database
from tests.services.segments import population
from tests.services.test_apply import run
from xsight.errors import NotFound
from xsight.extensions import db
from xsight.models import Customer, Order, OrderLineItem, Refund, Shop
from xsight.services import compliance
from xsight.services.ingest import bulk_load
from xsight.services.ingest.writer import Writer

_DANGLING = {
    "shop": "SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM shops s WHERE s.id = t.shop_id)",
    "customer": "SELECT count(*) FROM orders o WHERE o.customer_id IS NOT NULL "
                "AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)",
    "order": "SELECT count(*) FROM order_line_items l "
             "WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = l.order_id)",
}
NONE = {"customers": 0, "orders": 0, "order_line_items": 0, "customer": 0, "order": 0}


def dangling() -> dict[str, int]:
    """Count rows naming a shop, customer or order that does not exist."""
    found = {table: db.session.scalar(text(_DANGLING["shop"].format(table=table)))
             for table in ("customers", "orders", "order_line_items")}
    return {**found, "customer": db.session.scalar(text(_DANGLING["customer"])),
            "order": db.session.scalar(text(_DANGLING["order"]))}


def snapshot(shop_id: int) -> dict[str, set[tuple[object, ...]]]:
    """The shop's customers, orders (with their customer) and line items (with their order)."""
    return {
        "customers": set(db.session.execute(select(Customer.id).where(Customer.shop_id == shop_id))),
        "orders": set(db.session.execute(select(Order.id, Order.customer_id)
                                         .where(Order.shop_id == shop_id))),
        "lines": set(db.session.execute(select(OrderLineItem.id, OrderLineItem.order_id)
                                        .where(OrderLineItem.shop_id == shop_id))),
    }


def populated_shop(app: Flask, make_shop: Callable[..., Shop], seed: int) -> Shop:
    """Return a shop with customers, their orders and line items."""
    shop = make_shop(iana_timezone="UTC")
    with app.app_context():
        population.build(random.Random(seed), shop.id, 25)
        db.session.commit()
        found = snapshot(shop.id)
        assert len(found["orders"]) >= 10 and len(found["lines"]) >= 10 and dangling() == NONE
    return shop


@pytest.mark.parametrize("path", ["shop/redact", "raw delete"])
def test_deleting_a_shop_deletes_its_rows_only(app: Flask, make_shop: Callable[..., Shop], path: str) -> None:
    doomed, kept = populated_shop(app, make_shop, 1), populated_shop(app, make_shop, 2)
    with app.app_context():
        before = snapshot(kept.id)
        if path == "shop/redact":
            compliance.redact_shop(doomed.id)
        else:
            db.session.execute(delete(Shop).where(Shop.id == doomed.id))
            db.session.commit()
        assert snapshot(doomed.id) == {"customers": set(), "orders": set(), "lines": set()}
        assert snapshot(kept.id) == before and dangling() == NONE


def test_deleting_orders_deletes_their_lines_only(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop, other = populated_shop(app, make_shop, 3), populated_shop(app, make_shop, 4)
    with app.app_context():
        before, other_before = snapshot(shop.id), snapshot(other.id)
        with_lines = sorted({order for _, order in before["lines"]})
        one, several = with_lines[0], with_lines[1:4]
        db.session.execute(delete(Order).where(Order.id == one))  # one statement, one row
        db.session.execute(delete(Order).where(Order.id.in_(several)))  # several
        db.session.commit()
        gone = {one, *several}
        after = snapshot(shop.id)
        assert after["lines"] == {(i, o) for i, o in before["lines"] if o not in gone}  # as CASCADE did
        assert after["orders"] == {(o, c) for o, c in before["orders"] if o not in gone}
        assert snapshot(other.id) == other_before and dangling() == NONE


def test_orders_delete_webhook_deletes_the_lines(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = populated_shop(app, make_shop, 5)
    with app.app_context():
        before = snapshot(shop.id)
        order_id = min(order for _, order in before["lines"])
        db.session.execute(update(Order).where(Order.id == order_id)
                           .values(shopify_gid="gid://shopify/Order/990001"))  # a numeric id, as Shopify's
        db.session.commit()
    assert run(app, shop.id, "orders/delete", {"id": 990001}) == "processed"
    with app.app_context():
        assert snapshot(shop.id)["lines"] == {(i, o) for i, o in before["lines"] if o != order_id}
        assert dangling() == NONE


def test_deleting_customers_unlinks_only_their_orders(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop, other = populated_shop(app, make_shop, 6), populated_shop(app, make_shop, 7)
    with app.app_context():
        before, other_before = snapshot(shop.id), snapshot(other.id)
        buyers = sorted({c for _, c in before["orders"] if c is not None})
        one, several = buyers[0], buyers[1:4]
        db.session.execute(delete(Customer).where(Customer.id == one))
        db.session.execute(delete(Customer).where(Customer.id.in_(several)))
        db.session.commit()
        gone = {one, *several}
        assert snapshot(shop.id)["orders"] == {(o, None if c in gone else c) for o, c in before["orders"]}
        assert snapshot(other.id) == other_before and dangling() == NONE


def _order_object(number: int) -> dict[str, object]:
    money = {"shopMoney": {"amount": "10.00", "currencyCode": "USD"}}
    stamp = "2026-01-02T03:04:05Z"
    return {"id": f"gid://shopify/Order/{number}", "name": f"#{number}", "processedAt": stamp,
            "createdAt": stamp, "updatedAt": stamp, "currencyCode": "USD",
            "test": False, "taxesIncluded": False, "tags": [], "subtotalPriceSet": money,
            "totalPriceSet": money, "totalDiscountsSet": money, "totalShippingPriceSet": money,
            "totalTaxSet": money, "totalRefundedSet": money, "refunds": []}


def test_the_bulk_loader_stores_nothing_for_a_deleted_shop(app: Flask,
                                                           make_shop: Callable[..., Shop]) -> None:
    shop = make_shop(iana_timezone="UTC")
    with app.app_context():
        loader = bulk_load.BulkLoader(db.session, shop.id, "orders")
        loader.add(_order_object(1))
        taken = loader.take()
        db.session.rollback()
        db.session.execute(delete(Shop).where(Shop.id == shop.id))  # e.g. shop/redact, between two batches
        db.session.commit()
        with pytest.raises(NotFound):
            loader.flush(taken)
        db.session.rollback()
        assert db.session.scalar(select(Order.id)) is None


def test_the_writer_stores_nothing_for_a_deleted_shop(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop(iana_timezone="UTC")
    with app.app_context():
        db.session.execute(delete(Shop).where(Shop.id == shop.id))
        db.session.commit()
        writer = Writer(db.session, shop.id)
        writer.add("customers", {"shopify_gid": "gid://shopify/Customer/1", "shopify_updated_at": None})
        with pytest.raises(NotFound):
            writer.flush()
        db.session.rollback()
        assert db.session.scalar(select(Customer.id)) is None


def test_the_writer_claims_the_shop_when_a_full_batch_wrote_its_rows(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop(iana_timezone="UTC")
    with app.app_context():
        db.session.execute(delete(Shop).where(Shop.id == shop.id))
        db.session.commit()
        writer = Writer(db.session, shop.id, batch_size=1)
        with pytest.raises(NotFound):  # SQLite: add() writes a full batch; PostgreSQL claims before
            writer.add("customers", {"shopify_gid": "gid://shopify/Customer/1", "shopify_updated_at": None})
            writer.flush()  # nothing left buffered: the claim must still come
        db.session.rollback()
        assert db.session.scalar(select(Customer.id)) is None


def triggers() -> set[str]:
    """The names of the database's triggers."""
    sql = ("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal" if db.engine.dialect.name == "postgresql"
           else "SELECT name FROM sqlite_master WHERE type = 'trigger'")
    return {name for (name,) in db.session.execute(text(sql))}


def test_migration_0015_keeps_every_row(app: Flask) -> None:
    """The SQLite rebuild of the tables loses no row of them, nor of a table naming them."""
    with app.app_context():
        reset_database()
        upgrade(revision="0014")  # the models' columns are those of 0014: only the keys differ
        shop = Shop(domain="kept.myshopify.com", installed=True)
        db.session.add(shop)
        db.session.flush()
        customer = Customer(shop_id=shop.id, shopify_gid="gid://shopify/Customer/5")
        db.session.add(customer)
        db.session.flush()
        order = Order(shop_id=shop.id, shopify_gid="gid://shopify/Order/7", customer_id=customer.id,
                      processed_at=population.NOW, currency_code="USD")
        db.session.add(order)
        db.session.flush()
        db.session.add_all([
            OrderLineItem(shop_id=shop.id, shopify_gid="gid://shopify/LineItem/9", order_id=order.id,
                          quantity=1, original_unit_price=10),
            Refund(shop_id=shop.id, shopify_gid="gid://shopify/Refund/11", order_id=order.id)])
        ids, shop_id = (customer.id, order.id), shop.id
        db.session.commit()
        db.session.remove()  # no open read may hold a lock the migration's ALTERs wait for
        upgrade()
        assert snapshot(shop_id)["orders"] == {ids} and len(snapshot(shop_id)["lines"]) == 1
        assert db.session.scalar(select(Refund.order_id)) == ids[1]  # refunds name orders: kept too
        assert {"raw_rows_shop_gone", "order_line_items_order_gone", "orders_customer_gone",
                "customer_predictions_customer_gone", "customer_predictions_shop_gone"} <= triggers()
        for table in ("customers", "orders", "order_line_items"):
            assert [fk for fk in inspect(db.engine).get_foreign_keys(table)
                    if fk["referred_table"] in ("shops", "customers", "orders")] == []
        db.session.execute(delete(Shop).where(Shop.id == shop_id))  # the triggers do what the keys did
        db.session.commit()
        left = [db.session.scalar(select(m.id)) for m in (Customer, Order, OrderLineItem, Refund)]
        assert left == [None] * 4
        reset_database()
