"""Every sort the customer list offers is read in order from an index, first to last page, both backends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from bench.crm_data import build
from tests.conftest import POSTGRES
from tests.sql_capture import statements
from xsight.extensions import db
from xsight.models import Shop
from xsight.services.crm.customer_list import page
from xsight.services.crm.facts import customer_facts

# The sorts the Customers page offers (frontend_embedded/src/components/Customers/labels.ts).
UI_SORTS = ("amount_spent", "number_of_orders", "last_order_date", "first_order_date", "predicted_clv",
            "p_alive", "name", "created_at")


@pytest.mark.parametrize("sort", UI_SORTS)
def test_every_ui_sort_pages_from_an_index(app: Flask, make_shop: Callable[..., Shop], sort: str) -> None:
    shop = make_shop()
    with app.app_context():
        build(db.session, shop.id, 40, orders=False)
        shop = db.session.get(Shop, shop.id)
        assert shop is not None
        facts = customer_facts(shop.id)
        for direction in ("asc", "desc"):
            after, pages = None, 0
            with statements() as seen:
                while True:  # small pages, so the walk crosses into the NULL tail
                    body = page(shop, facts, [], sort=sort, direction=direction, limit=15, after=after)
                    pages, after = pages + 1, body["next_cursor"]
                    if after is None:
                        break
            assert pages == 3
            ordered = [(sql, params) for sql, params in seen if "ORDER BY" in sql]
            assert ordered
            for sql, params in ordered:
                plan = explain(sql, params)
                ordered_by_index = "TEMP B-TREE" not in plan and "Sort" not in plan
                assert ordered_by_index and "INDEX" in plan.upper(), (sort, direction, sql, plan)


def explain(sql: str, params: Any) -> str:
    """Return the plan of a recorded statement; on PostgreSQL, as if the table were big.

    With 40 rows PostgreSQL would rightly scan and sort; with scans and sorts priced out it shows
    whether an index can deliver the order at all (a DESC NULLS LAST order cannot come from a
    default ascending index, so such a query keeps its Sort node).
    """
    conn = db.session.connection()
    if not POSTGRES:
        return " / ".join(row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params))
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    conn.exec_driver_sql("SET LOCAL enable_sort = off")
    conn.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
    return " / ".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {sql}", params))


@pytest.mark.skipif(POSTGRES, reason="SQLite's planner without statistics; PostgreSQL plans from its own")
def test_a_webhooks_tag_refresh_reads_one_customer_by_gid(app: Flask, make_shop: Callable[..., Shop]) -> None:
    """Seen at 300k customers: the refresh after each webhook read every facts row's tags (0.87 s)."""
    from xsight.services.crm import facts

    shop = make_shop()
    with app.app_context():
        build(db.session, shop.id, 40, orders=False)
        gid = db.session.execute(text("SELECT customer_gid FROM customer_facts WHERE shop_id = :s "
                                      "AND customer_gid IS NOT NULL LIMIT 1"), {"s": shop.id}).scalar()
        with statements("INSERT INTO customer_fact_tags") as seen:
            facts.refresh(db.session, shop.id, [gid])
        (sql, params), = seen
        select_part = sql[sql.index("SELECT"):]
        cursor = db.session.connection().connection.cursor()
        plan = [row[3] for row in cursor.execute("EXPLAIN QUERY PLAN " + select_part, params)]
        db.session.rollback()
    assert any("customer_gid=?" in step for step in plan), plan
