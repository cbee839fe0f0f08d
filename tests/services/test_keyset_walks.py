"""Id walks over a whole shop (rollup rebuild, refund details): every row once, in id order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.services.orders_factory import Line, RefundSpec, write_order
from tests.sql_capture import statements
from xsight.extensions import db
from xsight.models import Order, Shop
from xsight.services import backfill, rollups


@pytest.fixture
def shops(app: Flask, make_shop: Callable[..., Shop]) -> Any:
    """Two shops whose orders interleave by id; every third order of each has a refund."""
    ours, other = make_shop(), make_shop()
    with app.app_context():
        for n in range(9):
            for shop in (ours, other):
                refunds = (RefundSpec(f"r{shop.id}-{n}", "2026-03-02T10:00:00",
                                      [(0, 1, "5.00", "0")]),) if n % 3 == 0 else ()
                write_order(shop.id, f"o{shop.id}-{n}", "2026-03-01T10:00:00", [Line(1, "5.00")],
                            refunds=refunds)
        db.session.commit()
        yield ours, other


def _ids(shop: Shop) -> list[int]:
    return list(db.session.scalars(select(Order.id).where(Order.shop_id == shop.id).order_by(Order.id)))


def _plan(sql: str, params: Any) -> str:
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
    return " ".join(str(r[-1]) for r in rows)


def test_rebuild_walks_every_order_of_the_shop_once(shops: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ours, _ = shops
    monkeypatch.setattr(rollups, "REBUILD_ORDERS", 4)
    ids_of_ours = _ids(ours)
    seen, after = [], 0
    while ids := rollups._next_order_ids(db.session, ours.id, after, ids_of_ours[-1]):
        assert len(ids) <= 4
        seen += ids
        after = ids[-1]
    assert seen == ids_of_ours
    assert rollups._next_order_ids(db.session, ours.id, 0, ids_of_ours[1]) == ids_of_ours[:2]


def test_refund_details_walk_every_refunded_order_once(shops: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    ours, _ = shops
    monkeypatch.setattr(backfill, "REFUND_DETAIL_BATCH", 2)
    seen, after = [], 0
    while rows := backfill.next_refunded_orders(ours.id, after):
        assert len(rows) <= 2
        seen += rows
        after = rows[-1][0]
    expected = db.session.execute(select(Order.id, Order.shopify_gid).where(
        Order.shop_id == ours.id, Order.shopify_gid.in_([f"o{ours.id}-{n}" for n in (0, 3, 6)]))
        .order_by(Order.id)).all()
    assert seen == [tuple(r) for r in expected]


def test_sqlite_walks_seek_by_id_instead_of_sorting_the_shop(shops: Any) -> None:
    ours, _ = shops
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plans (PostgreSQL plans with statistics)")
    with statements("SELECT") as rebuild_sql:
        rollups._next_order_ids(db.session, ours.id, 0, 10**9)
    with statements("SELECT") as refund_sql:
        backfill.next_refunded_orders(ours.id, 0)
    plans = [_plan(*rebuild_sql[0]), _plan(*refund_sql[0])]
    # The walk goes along the rowid (or the refunds' (shop, order) index), never sorting every
    # remaining order of the shop at each step.
    assert "INTEGER PRIMARY KEY (rowid>? AND rowid<?)" in plans[0] and "TEMP B-TREE" not in plans[0]
    assert "ix_refunds_shop_order (shop_id=? AND order_id>?)" in plans[1]
    assert "INTEGER PRIMARY KEY (rowid=?)" in plans[1]
