"""Orders point at their customer rows: unlinked ones by gid (a partial index), moved ones again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select, text

from tests.conftest import POSTGRES
from tests.sql_capture import statements
from xsight.extensions import db
from xsight.models import Customer, Order, Shop
from xsight.services.ingest.writer import link_orders_to_customers, relink_orders

AT = datetime(2026, 1, 1, tzinfo=UTC)


def add_customer(shop_id: int, number: int) -> int:
    customer = Customer(shop_id=shop_id, shopify_gid=f"gid://shopify/Customer/{number}", synced_at=AT)
    db.session.add(customer)
    db.session.flush()
    return int(customer.id)


def add_order(shop_id: int, number: int, customer: int | None, customer_id: int | None = None) -> None:
    db.session.add(Order(shop_id=shop_id, shopify_gid=f"gid://shopify/Order/{number}", synced_at=AT,
                         processed_at=AT, currency_code="USD", tags=[], customer_id=customer_id,
                         customer_gid=f"gid://shopify/Customer/{customer}" if customer else None))
    db.session.flush()


def links(shop_id: int) -> dict[str, int | None]:
    return dict(db.session.execute(select(Order.shopify_gid, Order.customer_id).where(
        Order.shop_id == shop_id)).all())


def test_the_customer_gid_index_holds_only_unlinked_orders(app: Flask) -> None:
    """A linked order costs no entry in the (shop, customer gid) index (decision 084)."""
    with app.app_context():
        if POSTGRES:
            sql = db.session.scalar(text("SELECT indexdef FROM pg_indexes "
                                         "WHERE indexname = 'ix_orders_shop_customer_gid'"))
        else:
            sql = db.session.scalar(text("SELECT sql FROM sqlite_master "
                                         "WHERE name = 'ix_orders_shop_customer_gid'"))
    assert sql is not None and "WHERE" in sql and "customer_id IS NULL" in sql, sql


def test_a_customer_links_only_its_waiting_orders_found_by_an_index(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop, other = make_shop(), make_shop()
    with app.app_context():
        add_order(shop.id, 1, 7)
        add_order(shop.id, 2, 8)
        add_order(other.id, 1, 7)
        seven = add_customer(shop.id, 7)
        with statements("UPDATE orders") as seen:
            link_orders_to_customers(db.session, shop.id, ["gid://shopify/Customer/7"])
        assert links(shop.id) == {"gid://shopify/Order/1": seven, "gid://shopify/Order/2": None}
        assert links(other.id) == {"gid://shopify/Order/1": None}
        (sql, params), = seen
        if not POSTGRES:  # PostgreSQL chooses by its statistics (a tiny table: a scan)
            plan = " ".join(str(row[-1]) for row in db.session.connection().connection.cursor().execute(
                "EXPLAIN QUERY PLAN " + sql, params).fetchall())
            # Either index leads straight to the unlinked orders (no walk of every order of the shop).
            assert ("ix_orders_shop_customer_gid (shop_id=? AND customer_gid=?)" in plan
                    or "ix_orders_shop_customer (shop_id=? AND customer_id=?)" in plan), plan
        db.session.rollback()


def test_relinking_follows_a_moved_order_and_leaves_unchanged_ones_alone(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        seven, eight = add_customer(shop.id, 7), add_customer(shop.id, 8)
        add_order(shop.id, 1, 8, customer_id=seven)  # moved from 7 to 8
        add_order(shop.id, 2, 9, customer_id=seven)  # moved to a customer not stored
        add_order(shop.id, 3, 7, customer_id=seven)  # unchanged
        add_order(shop.id, 4, 8, customer_id=seven)  # moved, but not named: left for its own write
        gids = [f"gid://shopify/Order/{n}" for n in (1, 2, 3)]
        with statements("UPDATE orders") as seen:
            relink_orders(db.session, shop.id, gids)
        assert links(shop.id) == {"gid://shopify/Order/1": eight, "gid://shopify/Order/2": None,
                                  "gid://shopify/Order/3": seven, "gid://shopify/Order/4": seven}
        (sql, params), = seen
        changed = db.session.connection().exec_driver_sql(sql, params).rowcount
        assert changed == 0  # a second pass finds nothing to change: no row version is written
        relink_orders(db.session, shop.id, [])
        db.session.rollback()
