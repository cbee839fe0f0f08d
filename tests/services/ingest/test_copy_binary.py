"""Binary COPY rows made by the mapper (decisions 088, 089): exact bytes, and what the loader stores."""

from __future__ import annotations

import copy
import struct
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Column, Numeric, func, select, text

from tests.conftest import POSTGRES
from xsight.extensions import db
from xsight.models import Customer, Order, OrderLineItem, Shop
from xsight.services.ingest import bulk_load, bulk_rows, copy_binary, copy_rows
from xsight.services.ingest.bulk_map import COPY_OIDS, FAST_COLUMNS, BulkMapper, dialect_named
from xsight.services.ingest.copy_binary import BOOL, BYTEA, INT4, INT8, TEXT, TIMESTAMPTZ

AWKWARD = ["tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "", "é ü 日本", "end\\"]
MICROS_2000 = datetime(2000, 1, 1, tzinfo=UTC)


def _field(data: bytes) -> bytes:
    return struct.pack("!i", len(data)) + data


def test_lines_are_fields_without_the_count_in_each_columns_binary_format() -> None:
    stamp = datetime(2026, 1, 2, 3, 4, 5, 600, tzinfo=timezone(timedelta(hours=2)))
    [line] = copy_binary.lines([("a\tb é", None, 12, -5, 1, 0, stamp, bulk_rows.jsonb_tags(["é"]))],
                               (TEXT, TEXT, INT8, INT4, BOOL, BOOL, TIMESTAMPTZ, BYTEA))
    micros = (stamp - MICROS_2000) // timedelta(microseconds=1)  # timestamptz: µs since 2000 in UTC
    assert bytes(line) == (_field("a\tb é".encode()) + copy_binary.NULL + _field(struct.pack("!q", 12))
                           + _field(struct.pack("!i", -5)) + _field(b"\x01") + _field(b"\x00")
                           + _field(struct.pack("!q", micros)) + _field(b'\x01["\\u00e9"]'))


def test_integers_beyond_an_integer_column_are_refused_not_wrapped() -> None:
    """psycopg's C int4 dumper keeps the low 32 bits: 2**31 would be stored as -2**31."""
    assert len(copy_binary.lines([(-(2**31),), (2**31 - 1,), (None,)], (INT4,))) == 3
    for value in (2**31, -(2**31) - 1, 2**40 + 5):
        with pytest.raises(ValueError, match="out of range"):
            copy_binary.lines([(value,)], (INT4,))
    mapper = BulkMapper("orders", dialect_named("postgresql"))
    mapper.add({"id": "gid://shopify/Order/1", "createdAt": "2026-01-01T00:00:00Z"})
    with pytest.raises(ValueError, match="out of range"):
        mapper.add({"id": "gid://shopify/LineItem/2", "quantity": 2**31, "__parentId": "gid://shopify/Order/1"})


def test_a_column_type_without_a_binary_format_is_named() -> None:
    with pytest.raises(TypeError, match="ratio"):
        copy_binary.oid(Column("ratio", Numeric(10, 2)))


def test_count_number_fields_and_head() -> None:
    assert copy_binary.count(3) == b"\x00\x03"
    assert copy_binary.number(None) == b"\xff\xff\xff\xff"
    assert copy_binary.number(42) == _field(struct.pack("!q", 42))
    assert copy_binary.fields(["x\ty", None]) == [_field(b"x\ty"), copy_binary.NULL]
    synced = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    micros = (synced - MICROS_2000) // timedelta(microseconds=1)
    assert copy_binary.head(7, synced) == _field(struct.pack("!q", 7)) + _field(struct.pack("!q", micros))


@pytest.mark.skipif(not POSTGRES, reason="the database's own column types")
def test_every_copied_column_is_dumped_as_its_database_type(app: Flask) -> None:
    """Binary COPY reads each field with the column's receive function: the widths must match."""
    dumped_as = {"character varying": TEXT, "bigint": INT8, "integer": INT4, "boolean": BOOL,
                 "timestamp with time zone": TIMESTAMPTZ, "jsonb": BYTEA}  # jsonb: its own bytes
    with app.app_context():
        for table, columns in FAST_COLUMNS.items():
            types = dict(db.session.execute(text(
                "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute "
                "WHERE attrelid = CAST(:table AS regclass) AND attnum > 0"), {"table": table}).all())
            assert COPY_OIDS[table] == tuple(dumped_as[types[name]] for name in columns), table


@pytest.mark.skipif(not POSTGRES, reason="a COPY round trip through PostgreSQL")
def test_lines_read_back_by_copy_give_the_same_values(app: Flask) -> None:
    stamps = [datetime(2026, 3, 29, 1, 30, 0, 999_999, tzinfo=timezone(timedelta(hours=-5))),
              datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC), None]
    rows = [(value, index, None if index % 2 else value, index % 3 == 0, -index, stamps[index % 3],
             ["a\tb", value] if index % 2 else []) for index, value in enumerate(AWKWARD)]
    with app.app_context():
        raw = db.session.connection().connection.dbapi_connection
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute("CREATE TEMP TABLE copied (a varchar(40), b bigint, c text, d boolean, e integer, "
                           "f timestamptz, g jsonb)")
            lines = copy_binary.lines([(*row[:6], bulk_rows.jsonb_tags(row[6])) for row in rows],
                                      (TEXT, INT8, TEXT, BOOL, INT4, TIMESTAMPTZ, BYTEA))
            with cursor.copy("COPY copied (a, b, c, d, e, f, g) FROM STDIN (FORMAT BINARY)") as out:
                out.write(copy_binary.SIGNATURE)
                out.write(b"".join(copy_binary.count(7) + line for line in lines))
                out.write(copy_binary.TRAILER)
            cursor.execute("SELECT a, b, c, d, e, f, g FROM copied ORDER BY b")
            assert cursor.fetchall() == rows
        db.session.rollback()


def test_a_postgresql_mapper_hands_over_rows_with_the_gid_and_the_link_gid(
        monkeypatch: pytest.MonkeyPatch) -> None:
    order = {"id": "gid://shopify/Order/1", "name": "#1\t1", "customer": {"id": "gid://shopify/Customer/5"},
             "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-02T00:00:00Z"}
    line = {"id": "gid://shopify/LineItem/9", "title": "Mug", "quantity": 2, "__parentId": order["id"]}
    order_row = bulk_rows.order(order, bulk_rows.postgres_stamp, bulk_rows.jsonb_tags)
    line_row = bulk_rows.line_item(line, order_row[bulk_rows.ORDER_COLUMNS.index("shopify_updated_at")])
    handed: list[dict[str, Any]] = []
    for extension in (copy_rows.fast, None):  # the C extension, then the Python path alone
        monkeypatch.setattr(copy_rows, "fast", extension)
        mapper = BulkMapper("orders", dialect_named("postgresql"))
        mapper.add(copy.deepcopy(order))
        mapper.add(copy.deepcopy(line))
        handed.append(mapper.take()[1])
    assert handed[0] == handed[1]
    assert handed[0]["orders"] == [(copy_binary.lines([order_row], COPY_OIDS["orders"])[0], order["id"],
                                    "gid://shopify/Customer/5")]
    assert handed[0]["order_line_items"] == [
        (copy_binary.lines([line_row], COPY_OIDS["order_line_items"])[0], line["id"], order["id"])]
    sqlite = BulkMapper("orders", dialect_named("sqlite"))
    sqlite.add(copy.deepcopy(order))
    assert isinstance(sqlite.take()[1]["orders"][0][0], tuple)  # SQLite binds tuples


def _stored(shop_id: int) -> dict[str, Any]:
    customers = dict(db.session.execute(select(Customer.shopify_gid, Customer.first_name)
                                        .where(Customer.shop_id == shop_id)).all())
    orders = dict(db.session.execute(select(Order.shopify_gid, Order.name)
                                     .where(Order.shop_id == shop_id)).all())
    lines = dict(db.session.execute(select(OrderLineItem.title, Order.shopify_gid).join(
        Order, Order.id == OrderLineItem.order_id).where(OrderLineItem.shop_id == shop_id)).all())
    return {"customers": customers, "orders": orders, "lines": lines}


def test_awkward_text_is_stored_exactly_by_inserts_and_by_upserts(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    customers = [{"id": f"gid://shopify/Customer/{n}", "firstName": name, "updatedAt": "2026-01-01T00:00:00Z"}
                 for n, name in enumerate(AWKWARD, 1)]
    orders = [{"id": f"gid://shopify/Order/{n}", "name": name, "customer": {"id": f"gid://shopify/Customer/{n}"},
               "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}
              for n, name in enumerate(AWKWARD, 1)]
    lines = [{"id": f"gid://shopify/LineItem/{n}", "title": f"{name}!", "quantity": 1,
              "__parentId": f"gid://shopify/Order/{n}"} for n, name in enumerate(AWKWARD, 1)]
    newer = [{**obj, "updatedAt": "2026-02-01T00:00:00Z"} for obj in customers]
    for obj in newer:
        obj["firstName"] = f"{obj['firstName']}\\again"
    with app.app_context():
        for resource, objects in (("customers", customers), ("orders", orders + lines),
                                  ("customers", newer), ("orders", orders + lines)):  # then upserts
            bulk_load.load(db.session, shop.id, resource, copy.deepcopy(objects), commit_every=3,
                           on_commit=lambda _n: db.session.commit())
            db.session.commit()
        stored = _stored(shop.id)
        unlinked = db.session.scalar(select(func.count()).select_from(Order).where(
            Order.shop_id == shop.id, Order.customer_id.is_(None)))
    assert stored["customers"] == {obj["id"]: obj["firstName"] for obj in newer}
    assert stored["orders"] == {obj["id"]: obj["name"] for obj in orders}
    assert stored["lines"] == {obj["title"]: obj["__parentId"] for obj in lines}
    assert unlinked == 0


@pytest.mark.skipif(not POSTGRES, reason="a PostgreSQL session's client encoding")
def test_text_is_stored_exactly_whatever_the_sessions_client_encoding(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    """Binary COPY reads text in the client encoding; the mapper writes UTF-8 (bulk_postgres.begin).

    The first load copies new rows straight in; the second meets them and goes through the stage.
    """
    shop = make_shop()
    stored = []
    with app.app_context():
        for name, updated in (("Zoë Ñandú", "2026-01-01T00:00:00Z"), ("Zoë Ñandú Æ", "2026-02-01T00:00:00Z")):
            customers = [{"id": "gid://shopify/Customer/1", "firstName": name, "updatedAt": updated}]
            db.session.execute(text("SET LOCAL client_encoding TO 'LATIN1'"))  # until the batch's commit
            bulk_load.load(db.session, shop.id, "customers", customers, commit_every=10,
                           on_commit=lambda _n: db.session.commit())
            db.session.commit()
            stored.append(db.session.scalar(select(Customer.first_name).where(Customer.shop_id == shop.id)))
    assert stored == ["Zoë Ñandú", "Zoë Ñandú Æ"]


def test_threads_formatting_at_once_each_get_their_own_columns_types() -> None:
    """Transformers are kept per thread and per column types: two loads may map in two threads."""
    kinds = [((INT8, TEXT), [(n, f"row {n}") for n in range(200)]),
             ((TEXT, INT4), [(f"row {n}", n) for n in range(200)])]
    expected = [[bytes(line) for line in copy_binary.lines(rows, oids)] for oids, rows in kinds]
    made: list[list[list[bytes]]] = [[], []]

    def format_many(index: int) -> None:
        oids, rows = kinds[index]
        for _ in range(50):
            made[index].append([bytes(line) for line in copy_binary.lines(rows, oids)])

    threads = [threading.Thread(target=format_many, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(lines == expected[0] for lines in made[0]) and len(made[0]) == 50
    assert all(lines == expected[1] for lines in made[1]) and len(made[1]) == 50
