"""One row of facts per customer (identity, lifetime stats, RFM, predictions) that lists and rules read.

The facts live in the `customer_facts` table, a materialisation of `source()` (customers ⟕ rollup
`customer_stats` ⟕ `customer_predictions`) kept equal to it: `refresh()` rewrites the rows of the
customers a write touched (called by the rollups, in the same transaction), `rebuild()` a whole shop
(after a backfill or a model run). Both keep `customer_fact_tags` (one row per tag) in step and replace
the shop's facts version token (`totals.bump`). Every column is named after the segment field it serves. Money
columns (`amount_spent`, `average_order_value`) are integer 1/10,000 units like the rollups;
`predicted_clv` is a float in the shop currency as the model stores it; dates are shop-local days.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    text,
    update,
)

from xsight.extensions import db
from xsight.models import Customer, CustomerFacts, CustomerFactTag, CustomerPrediction, CustomerStats
from xsight.services.crm import planner, totals

CHUNK = 500
COLUMNS = ("customer_id", "customer_gid", "first_name", "last_name", "email", "amount_spent",
           "number_of_orders", "average_order_value", "first_order_date", "last_order_date", "rfm_group",
           "r_score", "f_score", "m_score", "p_alive", "churn_risk", "predicted_clv",
           "expected_next_order_date", "customer_tags", "country", "email_subscription_status", "created_at",
           "name_key")


def customer_facts(shop_id: int, *, columns: Collection[str] | None = None) -> Subquery:
    """Return a subquery `facts` with one row per live customer of the shop and a column per field.

    With `columns`, only those columns (and the customer's id and gid) are selected.
    """
    wanted = COLUMNS if columns is None else [c for c in COLUMNS
                                              if c in set(columns) | {"customer_id", "customer_gid"}]
    table = CustomerFacts.__table__
    return (select(*(table.c[name] for name in wanted)).where(table.c.shop_id == shop_id)
            .subquery("facts"))


def source(shop_id: int, where: ColumnElement[bool] | None = None) -> Select[Any]:
    """Return the facts computed from their source tables (what the table must always equal)."""
    stats, pred = CustomerStats, CustomerPrediction
    query = (
        select(
            literal(shop_id).label("shop_id"),
            Customer.id.label("customer_id"),
            Customer.shopify_gid.label("customer_gid"),
            Customer.first_name.label("first_name"),
            Customer.last_name.label("last_name"),
            Customer.email.label("email"),
            func.coalesce(stats.net_sales, 0).label("amount_spent"),
            func.coalesce(stats.lifetime_orders, 0).label("number_of_orders"),
            stats.avg_net_order_value.label("average_order_value"),
            stats.first_order_date.label("first_order_date"),
            stats.last_order_date.label("last_order_date"),
            func.coalesce(pred.rfm_group,
                          case((stats.id.is_(None), literal("PROSPECTS")), else_=None)).label("rfm_group"),
            case((pred.r > 0, pred.r), else_=None).label("r_score"),
            case((pred.f > 0, pred.f), else_=None).label("f_score"),
            case((pred.m > 0, pred.m), else_=None).label("m_score"),
            pred.p_alive.label("p_alive"),
            pred.churn_risk.label("churn_risk"),
            pred.clv_12m.label("predicted_clv"),
            pred.next_order_at.label("expected_next_order_date"),
            Customer.tags.label("customer_tags"),
            Customer.country_code.label("country"),
            Customer.email_marketing_state.label("email_subscription_status"),
            Customer.shopify_created_at.label("created_at"),
            name_key(Customer.first_name, Customer.last_name).label("name_key"),
        )
        .select_from(Customer)
        .outerjoin(stats, and_(stats.shop_id == Customer.shop_id, stats.customer_key == Customer.shopify_gid))
        .outerjoin(pred, and_(pred.shop_id == Customer.shop_id, pred.customer_key == Customer.shopify_gid))
        .where(Customer.shop_id == shop_id, Customer.deleted_at.is_(None))
    )
    return query if where is None else query.where(where)  # type: ignore[return-value]


def name_key(first: Any, last: Any) -> ColumnElement[Any]:
    """Return lower(trim(first || ' ' || last)), NULL when empty: what the name sort and search read."""
    full = func.coalesce(first, "") + literal(" ") + func.coalesce(last, "")
    return func.nullif(func.lower(func.trim(full)), "")


def refresh(session: Any, shop_id: int, customer_gids: Iterable[str]) -> None:
    """Rewrite the facts of these customers (by gid; keys that are not customer gids are skipped)."""
    gids = {g for g in customer_gids if g and g.startswith("gid://")}
    _rewrite(session, shop_id, gids, CustomerFacts.__table__.c.customer_gid, Customer.shopify_gid)


def refresh_ids(session: Any, shop_id: int, customer_ids: Iterable[int]) -> None:
    """Rewrite the facts of these customers (by our id)."""
    _rewrite(session, shop_id, set(customer_ids), CustomerFacts.__table__.c.customer_id, Customer.id)


def _rewrite(session: Any, shop_id: int, keys: set[Any], fact_key: Any, source_key: Any) -> None:
    """Delete and refill the facts rows whose key is in `keys`, CHUNK keys per statement."""
    ordered = sorted(keys)
    table, tags = CustomerFacts.__table__, CustomerFactTag.__table__
    for start in range(0, len(ordered), CHUNK):
        part = ordered[start:start + CHUNK]
        # Tags by the customers' ids, so rows whose facts row has gone are cleared too.
        session.execute(delete(tags).where(tags.c.shop_id == shop_id, tags.c.customer_id.in_(
            select(Customer.id).where(Customer.shop_id == shop_id, source_key.in_(part)))))
        session.execute(delete(table).where(table.c.shop_id == shop_id, fact_key.in_(part)))
        _fill(session, shop_id, source_key.in_(part))
        _fill_tags(session, shop_id, fact_key.name, part)
    if ordered:
        totals.bump(session, shop_id)


def rebuild(session: Any, shop_id: int) -> None:
    """Rewrite every facts row of the shop from the source tables."""
    table, tags = CustomerFacts.__table__, CustomerFactTag.__table__
    session.execute(delete(tags).where(tags.c.shop_id == shop_id))
    session.execute(delete(table).where(table.c.shop_id == shop_id))
    _fill(session, shop_id, None)
    _fill_tags(session, shop_id, None, [])
    totals.bump(session, shop_id)
    planner.refresh_statistics(session, ("customer_facts", "customer_fact_tags"))


PREDICTION_COLUMNS = ("rfm_group", "r_score", "f_score", "m_score", "p_alive", "churn_risk", "predicted_clv",
                      "expected_next_order_date")


def refresh_predictions(session: Any, shop_id: int) -> None:
    """Rewrite only the RFM and prediction columns of the shop's rows (after a model run).

    Two set-based UPDATEs instead of a rebuild: clear the columns (prospects keep their group), then
    copy them from `customer_predictions` by customer gid; lifetime columns and indexes stay put.
    """
    t, p = CustomerFacts.__table__, CustomerPrediction.__table__
    session.execute(update(t).where(t.c.shop_id == shop_id).values(
        rfm_group=case((t.c.first_order_date.is_(None), literal("PROSPECTS")), else_=None),
        r_score=None, f_score=None, m_score=None, p_alive=None, churn_risk=None, predicted_clv=None,
        expected_next_order_date=None))
    session.execute(update(t).where(t.c.shop_id == shop_id, p.c.shop_id == shop_id,
                                    p.c.customer_key == t.c.customer_gid).values(
        rfm_group=p.c.rfm_group,
        r_score=case((p.c.r > 0, p.c.r), else_=None), f_score=case((p.c.f > 0, p.c.f), else_=None),
        m_score=case((p.c.m > 0, p.c.m), else_=None), p_alive=p.c.p_alive, churn_risk=p.c.churn_risk,
        predicted_clv=p.c.clv_12m, expected_next_order_date=p.c.next_order_at))
    totals.bump(session, shop_id)


def _fill(session: Any, shop_id: int, where: ColumnElement[bool] | None) -> None:
    table = CustomerFacts.__table__
    session.execute(insert(table).from_select(["shop_id", *COLUMNS], source(shop_id, where)))


# The tag's ASCII letters lower-cased and nothing else, like SQLite's built-in lower() (segment rules
# compare tags that way on both backends; PostgreSQL's lower() would also fold other letters).
_TAG_KEY = {"postgresql": "translate(j.value, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')",
            "sqlite": "lower(j.value)"}
_TAG_ITEMS = {"postgresql": "CROSS JOIN LATERAL jsonb_array_elements_text(f.customer_tags) AS j(value)",
              "sqlite": "CROSS JOIN json_each(f.customer_tags) AS j"}


def has_tag_key(facts: Subquery, shop_id: int, key: str, tag: str | None = None, *,
                scan: bool = False) -> ColumnElement[bool]:
    """Return whether the facts row's customer has a tag with this `tag_key` (and exactly `tag`, if given).

    A correlated EXISTS, answered from the covering (shop_id, tag_key, customer_id, tag) index: a
    page walking a sort index probes it for a few rows only. `scan=True` (segment rules, whose counts
    and refreshes read most of a shop) asks SQLite for `customer_id IN (…)` instead, whose id list is
    built once per statement: half the CPU of a probe per row over 160k rows. PostgreSQL keeps
    EXISTS, since it rescans a NOT IN subquery per row once the list outgrows work_mem.
    """
    t = CustomerFactTag
    where = [t.shop_id == shop_id, t.tag_key == key, *([t.tag == tag] if tag is not None else [])]
    if scan and db.engine.dialect.name == "sqlite":
        return facts.c.customer_id.in_(select(t.customer_id).where(*where))
    return exists().where(*where, t.customer_id == facts.c.customer_id)


def tag_key(tag: str) -> str:
    """Return the `tag_key` of a tag: its ASCII letters lower-cased, every other character kept."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in tag)


def _fill_tags(session: Any, shop_id: int, key_column: str | None, keys: list[Any]) -> None:
    """Insert one `customer_fact_tags` row per distinct tag of the shop's facts rows (those keys only)."""
    dialect = session.get_bind().dialect.name
    where, facts = "1 = 1", "customer_facts AS f"
    if key_column is not None:
        assert key_column in ("customer_gid", "customer_id")
        where = f"f.{key_column} IN :keys"
    if key_column == "customer_gid" and dialect == "sqlite":
        # Without statistics SQLite searched the (shop, customer id) key by shop alone and read every
        # row's tags: 0.87 s per webhook at 300k customers, against 0.5 ms along this index.
        facts += " INDEXED BY ix_customer_facts_shop_gid"
    # Every piece of the text is a constant of this module; values are bound.
    statement = text(f"""
        INSERT INTO customer_fact_tags (shop_id, customer_id, tag, tag_key)
        SELECT DISTINCT f.shop_id, f.customer_id, j.value, {_TAG_KEY[dialect]}
        FROM {facts} {_TAG_ITEMS[dialect]}
        WHERE f.shop_id = :shop AND {where}""")  # noqa: S608
    params: dict[str, Any] = {"shop": shop_id}
    if key_column is not None:
        statement, params["keys"] = statement.bindparams(bindparam("keys", expanding=True)), keys
    session.execute(statement, params)
