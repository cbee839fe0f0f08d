"""One row of facts per customer (identity, lifetime stats, RFM, predictions) that lists and rules read.

The facts live in the `customer_facts` table, a materialisation of `source()` (customers ⟕ rollup
`customer_stats` ⟕ `customer_predictions`) kept equal to it: `refresh()` rewrites the rows of the
customers a write touched (called by the rollups, in the same transaction), `rebuild()` a whole shop
(after a backfill or a model run). Every column is named after the segment field it serves. Money
columns (`amount_spent`, `average_order_value`) are integer 1/10,000 units like the rollups;
`predicted_clv` is a float in the shop currency as the model stores it; dates are shop-local days.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, delete, func, insert, literal, select

from xsight.models import Customer, CustomerFacts, CustomerPrediction, CustomerStats

CHUNK = 500
# Fields a rule or a list filter may name, with the kind of value they hold.
FIELD_KINDS: dict[str, str] = {
    "amount_spent": "money",
    "number_of_orders": "integer",
    "average_order_value": "money",
    "first_order_date": "date",
    "last_order_date": "date",
    "days_since_last_order": "integer",
    "rfm_group": "enum",
    "r_score": "integer",
    "f_score": "integer",
    "m_score": "integer",
    "p_alive": "number",
    "churn_risk": "enum",
    "predicted_clv": "number",
    "expected_next_order_date": "date",
    "customer_tags": "tags",
    "country": "text",
    "email_subscription_status": "enum",
    "products_purchased": "product",
    "created_at": "date",
}
COLUMNS = ("customer_id", "customer_gid", "first_name", "last_name", "email", "amount_spent",
           "number_of_orders", "average_order_value", "first_order_date", "last_order_date", "rfm_group",
           "r_score", "f_score", "m_score", "p_alive", "churn_risk", "predicted_clv",
           "expected_next_order_date", "customer_tags", "country", "email_subscription_status", "created_at")


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
        )
        .select_from(Customer)
        .outerjoin(stats, and_(stats.shop_id == Customer.shop_id, stats.customer_key == Customer.shopify_gid))
        .outerjoin(pred, and_(pred.shop_id == Customer.shop_id, pred.customer_key == Customer.shopify_gid))
        .where(Customer.shop_id == shop_id, Customer.deleted_at.is_(None))
    )
    return query if where is None else query.where(where)  # type: ignore[return-value]


def refresh(session: Any, shop_id: int, customer_gids: Iterable[str]) -> None:
    """Rewrite the facts of these customers (by gid; keys that are not customer gids are skipped)."""
    gids = sorted({g for g in customer_gids if g and g.startswith("gid://")})
    table = CustomerFacts.__table__
    for start in range(0, len(gids), CHUNK):
        part = gids[start:start + CHUNK]
        session.execute(delete(table).where(table.c.shop_id == shop_id, table.c.customer_gid.in_(part)))
        _fill(session, shop_id, Customer.shopify_gid.in_(part))


def refresh_ids(session: Any, shop_id: int, customer_ids: Iterable[int]) -> None:
    """Rewrite the facts of these customers (by our id)."""
    ids = sorted(set(customer_ids))
    table = CustomerFacts.__table__
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        session.execute(delete(table).where(table.c.shop_id == shop_id, table.c.customer_id.in_(part)))
        _fill(session, shop_id, Customer.id.in_(part))


def rebuild(session: Any, shop_id: int) -> None:
    """Rewrite every facts row of the shop from the source tables."""
    table = CustomerFacts.__table__
    session.execute(delete(table).where(table.c.shop_id == shop_id))
    _fill(session, shop_id, None)


def _fill(session: Any, shop_id: int, where: ColumnElement[bool] | None) -> None:
    table = CustomerFacts.__table__
    session.execute(insert(table).from_select(["shop_id", *COLUMNS], source(shop_id, where)))
