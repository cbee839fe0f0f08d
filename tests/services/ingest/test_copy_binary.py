"""Binary COPY rows made by the mapper (decisions 088, 089): exact bytes, and what the loader stores."""

from __future__ import annotations

import copy
import struct
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import POSTGRES
from xsight.extensions import db
from xsight.models import Customer, Order, OrderLineItem, Shop
from xsight.services.ingest import bulk_load, bulk_rows, copy_binary
from xsight.services.ingest.bulk_map import COPY_OIDS, BulkMapper, dialect_named
from xsight.services.ingest.copy_binary import BOOL, BYTEA, INT4, INT8, TEXT, TIMESTAMPTZ

AWKWARD = ["tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "", "é ü 日本", "end\\"]
MICROS_2000 = datetime(2000, 1, 1, tzinfo=UTC)


def _field(data: bytes) -> bytes:
    return struct.pack("!i", len(data)) + data


def test_lines_are_fields_without_the_count_in_each_columns_binary_format() -> None:
    stamp = datetime(2026, 1, 2, 3, 4, 5, 600, tzinfo=timezone(timedelta(hours=2)))
    [line] = copy_binary.lines([("a\tb é", None, 12, -5, 1, 0, stamp)],
                               (TEXT, TEXT, INT8, INT4, BOOL, BOOL, TIMESTAMPTZ))
    micros = (stamp - MICROS_2000) // timedelta(microseconds=1)  # timestamptz: µs since 2000 in UTC
    assert bytes(line) == (_field("a\tb é".encode()) + copy_binary.NULL + _field(struct.pack("!q", 12))
                           + _field(struct.pack("!i", -5)) + _field(b"\x01") + _field(b"\x00")
                           + _field(struct.pack("!q", micros)))


def test_count_number_fields_and_head() -> None:
    assert copy_binary.count(3) == b"\x00\x03"
    assert copy_binary.number(None) == b"\xff\xff\xff\xff"
    assert copy_binary.number(42) == _field(struct.pack("!q", 42))
    assert copy_binary.fields(["x\ty", None]) == [_field(b"x\ty"), copy_binary.NULL]
    synced = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    micros = (synced - MICROS_2000) // timedelta(microseconds=1)
    assert copy_binary.head(7, synced) == _field(struct.pack("!q", 7)) + _field(struct.pack("!q", micros))


def test_every_copied_column_has_a_binary_format() -> None:
    assert COPY_OIDS["orders"][bulk_rows.ORDER_COLUMNS.index("processed_at")] == TIMESTAMPTZ
    assert COPY_OIDS["orders"][bulk_rows.ORDER_COLUMNS.index("total_price")] == INT8  # Money
    assert COPY_OIDS["orders"][bulk_rows.ORDER_COLUMNS.index("test")] == BOOL
    assert COPY_OIDS["orders"][bulk_rows.ORDER_COLUMNS.index("tags")] == BYTEA  # jsonb's own bytes
    assert COPY_OIDS["orders"][bulk_rows.ORDER_COLUMNS.index("shopify_gid")] == TEXT
    assert COPY_OIDS["order_line_items"][bulk_rows.LINE_ITEM_COLUMNS.index("quantity")] == INT4
    assert COPY_OIDS["customers"][bulk_rows.CUSTOMER_COLUMNS.index("number_of_orders")] == INT4


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


def test_a_postgresql_mapper_hands_over_rows_with_the_gid_and_the_link_gid() -> None:
    order = {"id": "gid://shopify/Order/1", "name": "#1\t1", "customer": {"id": "gid://shopify/Customer/5"},
             "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-02T00:00:00Z"}
    line = {"id": "gid://shopify/LineItem/9", "title": "Mug", "quantity": 2, "__parentId": order["id"]}
    as_tuples, as_copy = BulkMapper("orders", dialect_named("postgresql")), BulkMapper(
        "orders", dialect_named("postgresql"))
    as_tuples.copy = False
    for mapper in (as_tuples, as_copy):
        mapper.add(copy.deepcopy(order))
        mapper.add(copy.deepcopy(line))
    _, tuples = as_tuples.take()
    _, lines = as_copy.take()
    [(order_row, _)], [(line_row, parent)] = tuples["orders"], tuples["order_line_items"]
    assert lines["orders"] == [(copy_binary.lines([order_row], COPY_OIDS["orders"])[0], order["id"],
                                "gid://shopify/Customer/5")]
    assert lines["order_line_items"] == [(copy_binary.lines([line_row], COPY_OIDS["order_line_items"])[0],
                                          line["id"], order["id"])]
    assert parent == order["id"]
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
