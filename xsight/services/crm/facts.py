"""One row of facts per customer (identity, lifetime stats, RFM, predictions) that lists and rules read.

Every column is named after the segment field it serves. Money columns (`amount_spent`,
`average_order_value`) are integer 1/10,000 units like the rollups; `predicted_clv` is a float in the
shop currency as the model stores it; dates are shop-local calendar days.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Label, Subquery, and_, case, func, literal, select

from xsight.models import Customer, CustomerPrediction, CustomerStats

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


# Facts columns read from customer_stats / customer_predictions (the rest come from customers).
STATS_COLUMNS = frozenset({"amount_spent", "number_of_orders", "average_order_value", "first_order_date",
                           "last_order_date", "rfm_group"})
PREDICTION_COLUMNS = frozenset({"rfm_group", "r_score", "f_score", "m_score", "p_alive", "churn_risk",
                                "predicted_clv", "expected_next_order_date"})


def customer_facts(shop_id: int, *, columns: Collection[str] | None = None) -> Subquery:
    """Return a subquery `facts` with one row per live customer of the shop and a column per field.

    With `columns`, only those columns (and the customer's id and gid) are selected and only the
    tables they come from are joined; every facts row still appears exactly once.
    """
    stats, pred = CustomerStats, CustomerPrediction
    every: list[Label[Any]] = [
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
    ]
    wanted = None if columns is None else set(columns) | {"customer_id", "customer_gid"}
    chosen = [c for c in every if wanted is None or c.name in wanted]
    names = {c.name for c in chosen}
    query = select(*chosen).select_from(Customer)
    if wanted is None or names & STATS_COLUMNS:
        query = query.outerjoin(stats, and_(stats.shop_id == Customer.shop_id,
                                            stats.customer_key == Customer.shopify_gid))
    if wanted is None or names & PREDICTION_COLUMNS:
        query = query.outerjoin(pred, and_(pred.shop_id == Customer.shop_id,
                                           pred.customer_key == Customer.shopify_gid))
    return query.where(Customer.shop_id == shop_id, Customer.deleted_at.is_(None)).subquery("facts")
