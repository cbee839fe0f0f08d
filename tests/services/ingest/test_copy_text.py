"""COPY text lines made by the mapper (decision 088): exact escaping, and what the loader stores."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import POSTGRES
from xsight.extensions import db
from xsight.models import Customer, Order, OrderLineItem, Shop
from xsight.services.ingest import bulk_load, copy_text
from xsight.services.ingest.bulk_map import BulkMapper, dialect_named

AWKWARD = ["tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "", "é ü 日本", "end\\"]


def test_lines_escape_every_special_character_and_write_null_as_backslash_n() -> None:
    [line] = copy_text.lines([("a\tb\\c\nd\re", None, 12, -5, "é", 0, "\\N")])
    assert bytes(line) == b"a\\tb\\\\c\\nd\\re\t\\N\t12\t-5\t\xc3\xa9\t0\t\\\\N\n"


def test_field_number_and_head() -> None:
    from datetime import UTC, datetime

    assert copy_text.fields(["x\ty", None]) == [b"x\\ty", b"\\N"]
    assert copy_text.number(None) == b"\\N" and copy_text.number(42) == b"42"
    assert copy_text.head(7, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == b"7\t2026-01-02T03:04:05+00:00\t"


@pytest.mark.skipif(not POSTGRES, reason="a COPY round trip through PostgreSQL")
def test_lines_read_back_by_copy_give_the_same_values(app: Flask) -> None:
    rows = [(value, index, None if index % 2 else value) for index, value in enumerate(AWKWARD)]
    with app.app_context():
        raw = db.session.connection().connection.dbapi_connection
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute("CREATE TEMP TABLE copied (a text, b bigint, c text)")
            with cursor.copy("COPY copied (a, b, c) FROM STDIN") as out:
                out.write(b"".join(copy_text.lines(rows)))
            cursor.execute("SELECT a, b, c FROM copied ORDER BY b")
            assert cursor.fetchall() == rows
        db.session.rollback()


def test_a_postgresql_mapper_hands_over_lines_with_the_gid_and_the_link_gid() -> None:
    order = {"id": "gid://shopify/Order/1", "name": "#1\t1", "customer": {"id": "gid://shopify/Customer/5"},
             "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-02T00:00:00Z"}
    line = {"id": "gid://shopify/LineItem/9", "title": "Mug", "quantity": 2, "__parentId": order["id"]}
    as_tuples, as_text = BulkMapper("orders", dialect_named("postgresql")), BulkMapper(
        "orders", dialect_named("postgresql"))
    as_tuples.text = False
    for mapper in (as_tuples, as_text):
        mapper.add(copy.deepcopy(order))
        mapper.add(copy.deepcopy(line))
    _, tuples = as_tuples.take()
    _, lines = as_text.take()
    [(order_row, _)], [(line_row, parent)] = tuples["orders"], tuples["order_line_items"]
    assert lines["orders"] == [(copy_text.lines([order_row])[0], order["id"], "gid://shopify/Customer/5")]
    assert lines["order_line_items"] == [(copy_text.lines([line_row])[0], line["id"], order["id"])]
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
