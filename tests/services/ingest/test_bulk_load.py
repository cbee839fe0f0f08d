"""The bulk loader stores exactly what the generic Writer path stores, newest version wins."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Table, func, select, text

from tests.conftest import POSTGRES
from tests.sql_capture import statements
from xsight.db_setup import SQLITE_BULK_CACHE_KB, SQLITE_DEFAULT_CACHE, SQLITE_MMAP_BYTES
from xsight.extensions import db
from xsight.models import Customer, Order, OrderLineItem, Product, ProductVariant, Refund, Shop
from xsight.services.ingest import bulk_load, bulk_postgres_binary, bulk_sql
from xsight.services.ingest.bulk_groups import write_group
from xsight.services.ingest.writer import Writer, link_orders_to_customers
from xsight.shopify import jsonl

FIXTURES = Path(__file__).parents[2] / "fixtures" / "shopify"
SKIP = {"id", "shop_id", "synced_at", "customer_id", "order_id", "product_id", "refund_id"}


def money(amount: Any) -> dict[str, Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": "USD"}}


CUSTOMERS = [
    {"id": "gid://shopify/Customer/1", "firstName": "Ada", "lastName": "L",
     "defaultEmailAddress": {"emailAddress": "ada@example.com", "marketingState": "SUBSCRIBED"},
     "defaultPhoneNumber": {"phoneNumber": "+15550001"}, "defaultAddress": {"countryCodeV2": "GB"},
     "tags": ["vip", "b2b"], "state": "ENABLED", "createdAt": "2025-01-01T00:00:00Z",
     "updatedAt": "2026-01-01T12:30:45.123Z", "amountSpent": {"amount": "1234.5",
                                                             "currencyCode": "GBP"},
     "numberOfOrders": "3"},
    {"id": "gid://shopify/Customer/2", "tags": "a, b ,", "createdAt": "2025-01-01T05:00:00+05:00",
     "updatedAt": "2026-02-01T00:00:00-08:00", "amountSpent": {"amount": 12.25}},
    {"id": "gid://shopify/Customer/3"},
]
ORDERS = [
    {"id": "gid://shopify/Order/1", "name": "#1001", "customer": {"id": "gid://shopify/Customer/1"},
     "email": "ada@example.com", "createdAt": "2026-01-01T10:00:00Z",
     "processedAt": "2026-01-01T09:59:59.5Z", "updatedAt": "2026-01-02T10:00:00Z",
     "cancelledAt": "2026-01-03T00:00:00+01:00", "cancelReason": "CUSTOMER", "test": True,
     "currencyCode": "EUR", "presentmentCurrencyCode": "USD", "displayFinancialStatus": "PAID",
     "displayFulfillmentStatus": "FULFILLED", "sourceName": "web", "tags": ["x"],
     "subtotalPriceSet": money("10.1"), "totalDiscountsSet": money("-0.0005"),
     "totalShippingPriceSet": money("7"), "totalTaxSet": money(1.5),
     "totalPriceSet": money("0012.3456"), "totalRefundedSet": {"shop_money": {"amount": "1.00"}},
     "taxesIncluded": True,
     "refunds": [{"id": "gid://shopify/Refund/1", "createdAt": "2026-01-04T00:00:00Z",
                  "note": "damaged", "totalRefundedSet": money("1.00")}]},
    {"id": "gid://shopify/Order/2", "createdAt": "2026-01-05T00:00:00Z",
     "updatedAt": "2026-01-05T00:00:00Z", "customer": {"id": "gid://shopify/Customer/9"},
     "totalPriceSet": None, "subtotalPriceSet": {"shopMoney": {"amount": None}}},
]
LINES = [
    {"id": "gid://shopify/LineItem/1", "title": "Mug", "sku": "M-1", "quantity": 2,
     "currentQuantity": 1, "product": {"id": "gid://shopify/Product/1"},
     "variant": {"id": "gid://shopify/ProductVariant/1"}, "originalUnitPriceSet": money("4.99"),
     "discountAllocations": [{"allocatedAmountSet": money("0.50")},
                             {"allocatedAmountSet": money("0.25")}],
     "taxLines": [{"priceSet": money("0.33")}], "isGiftCard": False,
     "__parentId": "gid://shopify/Order/1"},
    {"id": "gid://shopify/LineItem/2", "name": "Gift card", "quantity": None, "isGiftCard": True,
     "originalUnitPriceSet": money("25"), "__parentId": "gid://shopify/Order/2"},
    {"id": "gid://shopify/ShippingLine/1", "__parentId": "gid://shopify/Order/2"},
]


def stored(table: Table, shop_id: int) -> list[tuple[Any, ...]]:
    """Every stored column but ids, shop and sync time, sorted by gid."""
    columns = [c for c in table.c if c.name not in SKIP]
    rows = db.session.execute(select(*columns).where(table.c.shop_id == shop_id)
                              .order_by(table.c.shopify_gid)).all()
    return [tuple(r) for r in rows]


def via_writer(shop_id: int, resource: str, objects: Iterable[dict[str, Any]]) -> None:
    writer = Writer(db.session, shop_id)
    for group in jsonl.assemble(copy.deepcopy(list(objects))):
        write_group(writer, resource, group)
    writer.flush()


def commit_then_webhook(shop_id: int, resource: str, obj: dict[str, Any]) -> Callable[[int], None]:
    """An `on_commit` that commits, and after the first object's commit stores `obj` as a webhook would."""
    def commit(count: int) -> None:
        db.session.commit()
        if count == 1:
            via_writer(shop_id, resource, [obj])
            db.session.commit()

    return commit


def via_loader(shop_id: int, resource: str, objects: Iterable[dict[str, Any]],
               commit_every: int = 2) -> int:
    return bulk_load.load(db.session, shop_id, resource, copy.deepcopy(list(objects)),
                          commit_every=commit_every, on_commit=lambda _n: db.session.commit())


def record_copies(monkeypatch: pytest.MonkeyPatch, made: list[tuple[str, bool]], *names: str) -> None:
    """Make these COPY functions of the big tables' lines (bulk_postgres_binary) append (table, True)
    to `made`, then run as before."""
    for name in names:
        real = getattr(bulk_postgres_binary, name)

        def copying(cursor: Any, table: str, *args: Any, _real: Callable[..., None] = real) -> None:
            made.append((table, True))
            _real(cursor, table, *args)

        monkeypatch.setattr(bulk_postgres_binary, name, copying)


def test_loader_stores_what_the_writer_stores(app: Flask,
                                              make_shop: Callable[..., Shop]) -> None:
    old, new = make_shop(), make_shop()
    products = (FIXTURES / "products_variants_docs_example.jsonl").read_text().splitlines()
    with app.app_context():
        for shop_id, write in ((old.id, via_writer), (new.id, via_loader)):
            write(shop_id, "customers", CUSTOMERS)
            write(shop_id, "products", jsonl.parse_lines(products))
            write(shop_id, "orders", ORDERS + LINES)
            db.session.commit()
        for model in (Customer, Product, ProductVariant, Order, OrderLineItem, Refund):
            table = model.__table__
            assert stored(table, new.id) == stored(table, old.id), table.name
            assert stored(table, new.id), table.name
        linked = db.session.execute(select(Order.shopify_gid, Customer.shopify_gid).join(
            Customer, Customer.id == Order.customer_id).where(Order.shop_id == new.id)).all()
        assert linked == [("gid://shopify/Order/1", "gid://shopify/Customer/1")]


def test_children_after_their_parents_commit_are_linked(app: Flask,
                                                        make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    lines = (FIXTURES / "products_variants_out_of_order_example.jsonl").read_text().splitlines()
    with app.app_context():
        count = via_loader(shop.id, "products", jsonl.parse_lines(lines), commit_every=1)
        db.session.commit()
        pairs = db.session.execute(select(ProductVariant.shopify_gid, Product.shopify_gid).join(
            Product, Product.id == ProductVariant.product_id)).all()
    expected = {(o["id"], o["__parentId"]) for o in jsonl.parse_lines(lines) if "__parentId" in o}
    assert count == len([line for line in lines if line.strip()])
    assert set(pairs) == expected and len(pairs) == len(expected)


def test_orders_before_their_customers_are_linked_afterwards(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        via_loader(shop.id, "orders", ORDERS[:1])
        assert db.session.scalars(select(Order.customer_id)).one() is None
        via_loader(shop.id, "customers", CUSTOMERS[:1])
        link_orders_to_customers(db.session, shop.id)
        db.session.commit()
        order = db.session.scalars(select(Order)).one()
        assert order.customer_id == db.session.scalars(select(Customer.id)).one()


@pytest.mark.parametrize(("existing", "kept"), [("2026-03-01T00:00:00Z", "Newer"),
                                                ("2025-03-01T00:00:00Z", "Ada")])
def test_newest_version_wins_against_rows_written_meanwhile(
        app: Flask, make_shop: Callable[..., Shop], existing: str, kept: str) -> None:
    shop, other = make_shop(), make_shop()
    webhook = {**CUSTOMERS[0], "firstName": "Newer", "updatedAt": existing}
    with app.app_context():
        for shop_id in (shop.id, other.id):
            via_writer(shop_id, "customers", [webhook])
        db.session.commit()
        via_loader(shop.id, "customers", CUSTOMERS[:1])
        names = dict(db.session.execute(select(Customer.shop_id, Customer.first_name)).all())
    assert names == {shop.id: kept, other.id: "Newer"}  # the other shop is never touched


def _sqlite_settings() -> tuple[int, int, int]:
    return tuple(db.session.execute(text(f"PRAGMA {name}")).scalar_one()  # type: ignore[return-value]
                 for name in ("foreign_keys", "cache_size", "mmap_size"))


def test_sqlite_bulk_settings_hold_only_while_loading(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("a SQLite connection setting")
        seen: list[tuple[int, int, int]] = []

        def committed(_count: int) -> None:
            seen.append(_sqlite_settings())
            db.session.commit()

        db.session.commit()
        before = _sqlite_settings()
        assert before == (1, SQLITE_DEFAULT_CACHE, SQLITE_MMAP_BYTES)
        bulk_load.load(db.session, shop.id, "orders", copy.deepcopy(ORDERS + LINES),
                       commit_every=2, on_commit=committed)
        db.session.commit()
        # Foreign-key checks off, a large page cache, no memory map: in every loading transaction.
        assert seen and set(seen) == {(0, -SQLITE_BULK_CACHE_KB, 0)}
        assert _sqlite_settings() == before
        assert db.session.scalar(select(func.count()).select_from(OrderLineItem)) == 2


def test_a_child_without_its_parent_fails_the_batch(app: Flask,
                                                    make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        driver_error = db.engine.dialect.dbapi.IntegrityError
        with pytest.raises(driver_error, match="order_id"):
            via_loader(shop.id, "orders", LINES[:1])
        db.session.rollback()


def test_an_unknown_resource_is_refused(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context(), pytest.raises(ValueError, match="Unknown bulk resource"):
        bulk_load.BulkLoader(db.session, shop.id, "gift_cards")


def fail_write(monkeypatch: pytest.MonkeyPatch, at_call: int) -> None:
    """Make the loader's `at_call`-th table write raise RuntimeError("disk full")."""
    real_write = bulk_load.BulkLoader._write
    calls: list[str] = []

    def flaky(self: bulk_load.BulkLoader, table: str, *args: Any, **kwargs: Any) -> None:
        calls.append(table)
        if len(calls) == at_call:
            raise RuntimeError("disk full")
        real_write(self, table, *args, **kwargs)

    monkeypatch.setattr(bulk_load.BulkLoader, "_write", flaky)


def test_a_failed_write_stops_the_mapping_and_keeps_what_was_committed(
        app: Flask, make_shop: Callable[..., Shop], monkeypatch: pytest.MonkeyPatch) -> None:
    shop = make_shop()
    fail_write(monkeypatch, at_call=3)
    committed: list[int] = []

    def commit(count: int) -> None:
        db.session.commit()
        committed.append(count)

    with app.app_context():
        with pytest.raises(RuntimeError, match="disk full"):
            bulk_load.load(db.session, shop.id, "customers", copy.deepcopy(CUSTOMERS * 40),
                           commit_every=1, on_commit=commit)
        db.session.rollback()
        assert committed == [1, 2]
        assert db.session.scalar(select(func.count()).select_from(Customer)) == 2
    assert not [t for t in threading.enumerate() if t.name == "bulk-map"]


def test_linking_unlinked_orders_reads_only_them_and_only_this_shop(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    """Each incremental page links what is unlinked; at 1M orders walking every order took 3.5 s."""
    shop, other = make_shop(), make_shop()
    with app.app_context():
        for s in (shop, other):
            via_loader(s.id, "orders", ORDERS[:1])
            via_loader(s.id, "customers", CUSTOMERS[:1])
        with statements("UPDATE orders") as seen:
            link_orders_to_customers(db.session, shop.id)
        db.session.commit()
        linked = dict(db.session.execute(select(Order.shop_id, Order.customer_id)).all())
        assert linked[shop.id] is not None and linked[other.id] is None
        (sql, params), = seen
        explain = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
        cursor = db.session.connection().connection.cursor()
        cursor.execute(explain + sql, params)
        plan = " ".join(str(row[-1] if db.engine.dialect.name == "sqlite" else row[0])
                        for row in cursor.fetchall())
        sqlite = db.engine.dialect.name == "sqlite"
        db.session.rollback()
    if sqlite:  # PostgreSQL chooses by its statistics (a tiny table: a scan)
        assert "ix_orders_shop_customer (shop_id=? AND customer_id=?)" in plan, plan


def test_a_first_load_inserts_and_falls_back_to_upserts_at_a_stored_row(
        app: Flask, make_shop: Callable[..., Shop], monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain INSERTs where the shop has no rows yet (decisions 079, 081), upserts from a stored row on."""
    shop, other = make_shop(), make_shop()
    statement = "postgres_upsert" if POSTGRES else "sqlite_upsert"
    real_sql = getattr(bulk_sql, statement)
    made: list[tuple[str, bool]] = []

    def recording(table: str, columns: tuple[str, ...], link: Any, *, new_rows: bool = False,
                  **kwargs: Any) -> str:
        made.append((table, new_rows))
        return str(real_sql(table, columns, link, new_rows=new_rows, **kwargs))

    monkeypatch.setattr(bulk_sql, statement, recording)
    # PostgreSQL writes new rows with a COPY straight into the table, no statement: record those too.
    record_copies(monkeypatch, made, "copy_children", "copy_parents", "copy_rows")
    webhook = {**CUSTOMERS[1], "firstName": "Webhook", "updatedAt": "2027-01-01T00:00:00Z"}
    commit = commit_then_webhook(shop.id, "customers", webhook)  # the next batch's customer, newer

    with app.app_context():
        via_writer(other.id, "customers", CUSTOMERS)  # another shop's rows change nothing here
        db.session.commit()
        bulk_load.load(db.session, shop.id, "customers", copy.deepcopy(CUSTOMERS), commit_every=1,
                       on_commit=commit)
        db.session.commit()
        names = dict(db.session.execute(select(Customer.shopify_gid, Customer.first_name)
                                        .where(Customer.shop_id == shop.id)).all())
        via_loader(shop.id, "orders", ORDERS + LINES)  # orders: none stored yet, so plain INSERTs
        db.session.commit()
        lines = db.session.scalar(select(func.count()).select_from(OrderLineItem)
                                  .where(OrderLineItem.shop_id == shop.id))
    assert names == {CUSTOMERS[0]["id"]: "Ada", CUSTOMERS[1]["id"]: "Webhook", CUSTOMERS[2]["id"]: None}
    # batch 1 inserted; batch 2 met the webhook's row, was written again as upserts; batch 3 upserted
    assert made[:4] == [("customers", True), ("customers", True), ("customers", False), ("customers", False)]
    assert ("orders", True) in made and ("order_line_items", True) in made and lines == 2
