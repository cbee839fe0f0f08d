"""First loads build the secondary indexes after the rows, and never leave a table without them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from tests.conftest import POSTGRES
from tests.services.ingest.test_bulk_load import (
    CUSTOMERS,
    LINES,
    ORDERS,
    commit_then_webhook,
    fail_write,
    via_loader,
)
from tests.sql_capture import statements
from xsight.extensions import db
from xsight.models import Customer, Order, OrderLineItem, Shop
from xsight.services.ingest import bulk_load, deferred_indexes
from xsight.services.ingest.writer import link_orders_to_customers

TABLES = (Customer.__table__, Order.__table__, OrderLineItem.__table__)
EXPECTED = {str(index.name) for table in TABLES for index in table.indexes}


def indexes() -> set[str]:
    """The named indexes (not those of primary keys and unique constraints) on the loaded tables."""
    if POSTGRES:
        sql = ("SELECT indexname FROM pg_indexes i WHERE schemaname = current_schema() "
               "AND tablename IN ('customers', 'orders', 'order_line_items') "
               "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)")
    else:
        sql = ("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
               "AND tbl_name IN ('customers', 'orders', 'order_line_items')")
    return {name for (name,) in db.session.execute(text(sql))}


def test_a_first_load_drops_the_secondary_indexes_and_builds_them_at_its_end(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        assert indexes() == EXPECTED
        with statements("") as seen:
            via_loader(shop.id, "customers", CUSTOMERS)
            via_loader(shop.id, "orders", ORDERS + LINES)
            db.session.commit()
        assert indexes() == EXPECTED
    dropped = [sql for sql, _ in seen if sql.startswith("DROP INDEX")]
    deferred = {str(i.name) for t in TABLES for i in deferred_indexes.deferrable(t)}
    assert {sql.split('"')[1] for sql in dropped} == deferred
    if POSTGRES:  # the shop's write turn before the table's lock, as every writer of the shop takes them
        first_drop = next(i for i, (sql, _) in enumerate(seen) if sql.startswith("DROP INDEX"))
        assert any("pg_advisory_xact_lock" in sql for sql, _ in seen[:first_drop])
    assert "ix_orders_shop_customer" in deferred  # named by an INDEXED BY hint, checked (decision 081)


@pytest.mark.skipif(POSTGRES, reason="SQLite's INDEXED BY hint (decision 081)")
def test_linking_orders_while_their_index_is_being_built_still_links(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        via_loader(shop.id, "orders", ORDERS[:1])
        via_loader(shop.id, "customers", CUSTOMERS[:1])
        db.session.execute(text("DROP INDEX ix_orders_shop_customer"))  # another shop's first load
        with statements("UPDATE orders") as seen:
            link_orders_to_customers(db.session, shop.id)
        db.session.commit()
        linked = db.session.scalar(select(Order.customer_id))
        customer = db.session.scalar(select(Customer.id))
        hint = [index for index in Order.__table__.indexes if index.name == "ix_orders_shop_customer"]
        deferred_indexes.build(db.session, hint)
        with statements("UPDATE orders") as hinted:
            link_orders_to_customers(db.session, shop.id)
        db.session.rollback()
    assert linked is not None and linked == customer
    assert "INDEXED BY" not in seen[-1][0] and [sql for sql, _ in hinted if "INDEXED BY" not in sql] == []


def test_a_table_with_rows_keeps_its_indexes(app: Flask, make_shop: Callable[..., Shop]) -> None:
    first, second = make_shop(), make_shop()
    with app.app_context():
        via_loader(first.id, "customers", CUSTOMERS)
        db.session.commit()
        with statements("DROP INDEX") as dropped:
            via_loader(second.id, "customers", CUSTOMERS)  # another shop's rows are there
            via_loader(first.id, "customers", CUSTOMERS)  # a second backfill of the same shop
            db.session.commit()
        assert dropped == [] and indexes() == EXPECTED


def test_a_failed_load_builds_the_indexes_before_raising(
        app: Flask, make_shop: Callable[..., Shop], monkeypatch: pytest.MonkeyPatch) -> None:
    shop = make_shop()
    fail_write(monkeypatch, at_call=3)
    with app.app_context():
        with pytest.raises(RuntimeError, match="disk full"):
            bulk_load.load(db.session, shop.id, "orders", copy.deepcopy(ORDERS + LINES),
                           commit_every=1, on_commit=lambda _n: db.session.commit())
        assert indexes() == EXPECTED
        if not POSTGRES:
            cache = db.session.execute(text("PRAGMA cache_size")).scalar_one()
            assert cache != -deferred_indexes.BUILD_CACHE_KB


def test_the_load_after_a_killed_one_builds_what_it_left_missing(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        via_loader(shop.id, "orders", ORDERS)
        db.session.commit()
        for name in ("ix_orders_shop_processed", "ix_order_line_items_shop_order"):  # a killed load
            db.session.execute(text(f"DROP INDEX {name}"))
        db.session.commit()
        via_loader(shop.id, "orders", ORDERS + LINES)
        db.session.commit()
        assert indexes() == EXPECTED


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's lock wait before the drop (decision 087)")
def test_a_busy_table_keeps_its_indexes_and_the_load_goes_on(
        app: Flask, make_shop: Callable[..., Shop], monkeypatch: pytest.MonkeyPatch) -> None:
    shop = make_shop()
    monkeypatch.setattr(deferred_indexes, "LOCK_WAIT_MS", 100)
    with app.app_context():
        reader = db.engine.connect()  # a transaction left open on orders elsewhere
        try:
            reader.execute(text("LOCK TABLE orders IN ACCESS SHARE MODE"))
            with statements("") as seen:
                via_loader(shop.id, "orders", ORDERS + LINES)
                db.session.commit()
        finally:
            reader.close()
        assert indexes() == EXPECTED
        assert db.session.scalar(select(func.count()).select_from(Order)) == len(ORDERS)
    assert [sql for sql, _ in seen if sql.startswith("LOCK TABLE")] == [
        "LOCK TABLE order_line_items, orders IN ACCESS EXCLUSIVE MODE"]  # tried, gave up after the wait
    assert [sql for sql, _ in seen if sql.startswith("DROP INDEX")] == []  # both tables kept theirs


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's lock wait before the drop (decision 087)")
def test_the_drop_puts_the_lock_timeout_back(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        db.session.execute(text("SET lock_timeout = '7s'"))  # the session's own setting
        try:
            deferred = deferred_indexes.defer(db.session, "orders", shop.id)
            inside = db.session.execute(text("SHOW lock_timeout")).scalar_one()
            missing = indexes()
            db.session.rollback()
        finally:
            db.session.execute(text("RESET lock_timeout"))
            db.session.commit()
    assert inside == "7s"
    assert {str(index.name) for index in deferred} <= EXPECTED - missing  # dropped until the rollback


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's lock wait before the drop (decision 087)")
def test_a_deadlock_at_the_drop_keeps_the_indexes(
        app: Flask, make_shop: Callable[..., Shop], monkeypatch: pytest.MonkeyPatch) -> None:
    """Another load holding the same tables: PostgreSQL picks one to fail; that one keeps its indexes."""
    import psycopg

    shop = make_shop()

    def deadlock(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        if sql.startswith("LOCK TABLE"):
            raise OperationalError(sql, {}, psycopg.errors.DeadlockDetected("deadlock detected"))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", deadlock)
        try:
            with statements("DROP INDEX") as dropped:
                via_loader(shop.id, "orders", ORDERS + LINES)
                db.session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", deadlock)
        assert indexes() == EXPECTED
        assert db.session.scalar(select(func.count()).select_from(Order)) == len(ORDERS)
    assert dropped == []


def test_a_first_load_meeting_a_stored_row_drops_once_and_builds(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    """The drop is outside the batch's savepoint: falling back to upserts neither undoes nor repeats it."""
    shop = make_shop()
    webhook = {**CUSTOMERS[1], "firstName": "Webhook", "updatedAt": "2027-01-01T00:00:00Z"}
    commit = commit_then_webhook(shop.id, "customers", webhook)  # the next batch's customer

    with app.app_context():
        with statements("DROP INDEX") as dropped:
            bulk_load.load(db.session, shop.id, "customers", copy.deepcopy(CUSTOMERS), commit_every=1,
                           on_commit=commit)
            db.session.commit()
        assert indexes() == EXPECTED
        names = set(db.session.scalars(select(Customer.first_name).where(Customer.shop_id == shop.id)))
    assert [sql.split('"')[1] for sql, _ in dropped] == ["ix_customers_shop_email"]
    assert "Webhook" in names
