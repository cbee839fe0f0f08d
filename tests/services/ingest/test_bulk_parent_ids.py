"""Children take their parent's id from the batch that wrote it, else from the database (decision 081)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.services.ingest.test_bulk_load import LINES, ORDERS, via_loader, via_writer
from xsight.extensions import db
from xsight.models import Order, OrderLineItem, Shop
from xsight.services.ingest import bulk_load, bulk_sqlite


def order(n: int, updated: str = "2026-01-02T00:00:00Z") -> dict[str, Any]:
    return {"id": f"gid://shopify/Order/{n}", "name": f"#{n}", "createdAt": "2026-01-01T00:00:00Z",
            "updatedAt": updated}


def line(n: int, parent: int) -> dict[str, Any]:
    return {"id": f"gid://shopify/LineItem/{n}", "title": "Mug", "quantity": 1,
            "__parentId": f"gid://shopify/Order/{parent}"}


def links(shop_id: int) -> dict[str, str]:
    """Line item gid -> the gid of the order its order_id points at (an inner join: no dangling id)."""
    rows = db.session.execute(select(OrderLineItem.shopify_gid, Order.shopify_gid)
                              .join(Order, Order.id == OrderLineItem.order_id)
                              .where(OrderLineItem.shop_id == shop_id)).all()
    return dict(rows)  # type: ignore[arg-type]


@pytest.fixture
def handed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, int]]]:
    """Record, per child table write, the parent ids the batch handed to it."""
    seen: list[tuple[str, dict[str, int]]] = []
    real_write = bulk_load.BulkLoader._write

    def recording(self: bulk_load.BulkLoader, table: str, rows: Any, synced: Any,
                  ids: dict[str, dict[str, int]], **kwargs: Any) -> None:
        if table == "order_line_items":
            seen.append((table, dict(ids.get("orders", {}))))
        real_write(self, table, rows, synced, ids, **kwargs)

    monkeypatch.setattr(bulk_load.BulkLoader, "_write", recording)
    return seen


def test_children_in_the_batch_take_its_ids_and_late_ones_are_looked_up(
        app: Flask, make_shop: Callable[..., Shop], handed: list[tuple[str, dict[str, int]]]) -> None:
    shop = make_shop()
    # Batches of three: line 4's batch wrote no order, so its order's id is looked up.
    objects = [order(1), line(1, 1), line(2, 1), order(2), line(3, 2), order(3), line(4, 1)]
    with app.app_context():
        via_loader(shop.id, "orders", objects, commit_every=3)
        db.session.commit()
        ids = dict(db.session.execute(select(Order.shopify_gid, Order.id)).all())
        assert links(shop.id) == {f"gid://shopify/LineItem/{n}": f"gid://shopify/Order/{p}"
                                  for n, p in ((1, 1), (2, 1), (3, 2), (4, 1))}
    assert handed[0][1] == {"gid://shopify/Order/1": ids["gid://shopify/Order/1"]}
    assert handed[1][1] == {gid: ids[gid] for gid in ("gid://shopify/Order/2", "gid://shopify/Order/3")}
    assert handed[2][1] == {}


@pytest.mark.parametrize("updated", ["2026-06-01T00:00:00Z", "2025-06-01T00:00:00Z"])
def test_stored_parents_and_other_shops_rows_never_give_a_wrong_id(
        app: Flask, make_shop: Callable[..., Shop], updated: str) -> None:
    """A batch that updates a stored order (or skips it, older) and inserts one, with another shop's
    rows numbered in between: every line still points at its own order."""
    shop, other = make_shop(), make_shop()
    with app.app_context():
        via_loader(shop.id, "orders", [order(1), line(1, 1)])
        via_writer(other.id, "orders", copy.deepcopy(ORDERS + LINES))
        db.session.commit()
        via_loader(shop.id, "orders", [order(1, updated), line(2, 1), order(2), line(3, 2)],
                   commit_every=10)
        db.session.commit()
        assert links(shop.id) == {"gid://shopify/LineItem/1": "gid://shopify/Order/1",
                                  "gid://shopify/LineItem/2": "gid://shopify/Order/1",
                                  "gid://shopify/LineItem/3": "gid://shopify/Order/2"}
        shops = set(db.session.execute(select(Order.shop_id).join(
            OrderLineItem, OrderLineItem.order_id == Order.id).where(
            OrderLineItem.shop_id == shop.id)).scalars())
    assert shops == {shop.id}


def test_written_ids_are_read_only_from_the_shop_and_the_range(app: Flask,
                                                               make_shop: Callable[..., Shop]) -> None:
    shop, other = make_shop(), make_shop()
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite reads the ids back; PostgreSQL's statement returns them")
        via_loader(shop.id, "orders", [order(1)])
        via_loader(other.id, "orders", [order(2)])
        via_loader(shop.id, "orders", [order(3)])
        db.session.commit()
        ids = dict(db.session.execute(select(Order.shopify_gid, Order.id)
                                      .where(Order.shop_id == shop.id)).all())
        cursor = db.session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        # The last insert was order 3; a range of three rows holds order 1, the other shop's and 3.
        written = bulk_sqlite.written(cursor, "orders", shop.id, 3)
        assert written == ids
        assert bulk_sqlite.written(cursor, "orders", shop.id, 1) == {
            "gid://shopify/Order/3": ids["gid://shopify/Order/3"]}
        cursor.close()


def test_ids_of_plain_inserts_come_from_their_positions_once_both_ends_agree(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop, other = make_shop(), make_shop()
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite reads the ids back; PostgreSQL's statement returns them")
        via_loader(shop.id, "orders", [order(1), order(2), order(3)], commit_every=10)
        db.session.commit()
        ids = dict(db.session.execute(select(Order.shopify_gid, Order.id)
                                      .where(Order.shop_id == shop.id)).all())
        gids = [f"gid://shopify/Order/{n}" for n in (1, 2, 3)]
        raw = db.session.connection().connection.dbapi_connection
        cursor = raw.cursor()  # type: ignore[union-attr]
        assert bulk_sqlite.written(cursor, "orders", shop.id, 3, gids) == ids
        # Ends that disagree (rows not inserted in this order, or another shop's): read back instead.
        ran: list[str] = []
        raw.set_trace_callback(ran.append)  # type: ignore[union-attr]
        assert bulk_sqlite.written(cursor, "orders", shop.id, 3, gids[::-1]) == ids
        raw.set_trace_callback(None)  # type: ignore[union-attr]
        assert bulk_sqlite.written(cursor, "orders", other.id, 3, gids) == {}
        read_back = [sql for sql in ran if "BETWEEN" in sql]
        plan = " ".join(str(row[-1]) for row in cursor.execute(f"EXPLAIN QUERY PLAN {read_back[0]}"))
        cursor.close()
    # By rowid, not the (shop_id, shopify_gid) index, which walks every row of the shop per batch.
    assert len(read_back) == 1 and "INTEGER PRIMARY KEY" in plan, plan


def test_a_first_load_meeting_a_stored_order_mid_batch_converges(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    """Batch 2's plain INSERTs stop at order 5 (a webhook stored it, newer): order 4 is already in,
    the batch is written again as upserts, and every line still finds its own order."""
    shop = make_shop()
    objects = [obj for n in range(1, 7) for obj in (order(n), line(n, n))]  # batches of six
    newer = {**order(5, "2027-01-01T00:00:00Z"), "name": "#webhook"}

    def commit(count: int) -> None:
        db.session.commit()
        if count == 6:
            via_writer(shop.id, "orders", [newer, line(5, 5)])
            db.session.commit()

    with app.app_context():
        bulk_load.load(db.session, shop.id, "orders", copy.deepcopy(objects), commit_every=6,
                       on_commit=commit)
        db.session.commit()
        names = dict(db.session.execute(select(Order.shopify_gid, Order.name)).all())
        assert links(shop.id) == {f"gid://shopify/LineItem/{n}": f"gid://shopify/Order/{n}"
                                  for n in range(1, 7)}
    assert names == {f"gid://shopify/Order/{n}": "#webhook" if n == 5 else f"#{n}" for n in range(1, 7)}
