"""The fields a segment rule may name: their kind, label, operators and allowed values."""

from __future__ import annotations

from dataclasses import dataclass

from xsight.analytics.rfm import GROUPS
from xsight.models.prediction import CHURN_RISKS

COMPARE = ("=", "!=", ">", ">=", "<", "<=", "between")
NULLS = ("is null", "is not null")
MEMBERSHIP = ("in", "not in")
CONTAINS = ("contains", "not contains")
NEGATIVE = {"!=": "=", "not in": "in", "not contains": "contains"}
ALL_OPS = (*COMPARE, *MEMBERSHIP, *CONTAINS, *NULLS)

EMAIL_STATES = ("SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING", "INVALID", "REDACTED")


@dataclass(frozen=True)
class Field:
    """One rule field: `kind` decides how values are parsed and compared."""

    name: str
    label: str
    kind: str  # money | integer | number | date | datetime | enum | text | tags | product
    ops: tuple[str, ...]
    values: tuple[str, ...] = ()
    nullable: bool = True


def _f(name: str, label: str, kind: str, ops: tuple[str, ...], values: tuple[str, ...] = (),
       nullable: bool = True) -> Field:
    return Field(name, label, kind, ops + (NULLS if nullable else ()), values, nullable)


FIELDS: dict[str, Field] = {f.name: f for f in (
    _f("amount_spent", "Amount spent", "money", COMPARE, nullable=False),
    _f("number_of_orders", "Number of orders", "integer", COMPARE + MEMBERSHIP, nullable=False),
    _f("average_order_value", "Average order value", "money", COMPARE),
    _f("first_order_date", "First order date", "date", COMPARE),
    _f("last_order_date", "Last order date", "date", COMPARE),
    _f("days_since_last_order", "Days since last order", "integer", COMPARE + MEMBERSHIP),
    _f("rfm_group", "RFM group", "enum", ("=", "!=", *MEMBERSHIP), tuple(GROUPS)),
    _f("r_score", "Recency score", "integer", COMPARE + MEMBERSHIP),
    _f("f_score", "Frequency score", "integer", COMPARE + MEMBERSHIP),
    _f("m_score", "Monetary score", "integer", COMPARE + MEMBERSHIP),
    _f("p_alive", "Probability still a customer", "number", COMPARE),
    _f("churn_risk", "Churn risk", "enum", ("=", "!=", *MEMBERSHIP), CHURN_RISKS),
    _f("predicted_clv", "Predicted 12-month value", "number", COMPARE),
    _f("expected_next_order_date", "Expected next order", "date", COMPARE),
    _f("customer_tags", "Customer tags", "tags", CONTAINS, nullable=False),
    _f("country", "Country", "text", ("=", "!=", *MEMBERSHIP)),
    _f("email_subscription_status", "Email subscription", "enum", ("=", "!=", *MEMBERSHIP), EMAIL_STATES),
    _f("products_purchased", "Products purchased", "product", CONTAINS, nullable=False),
    _f("created_at", "Customer since", "datetime", COMPARE),
)}


def describe() -> list[dict[str, object]]:
    """Return every field for the builder: name, label, kind, operators and allowed values."""
    return [{"name": f.name, "label": f.label, "kind": f.kind, "ops": list(f.ops), "values": list(f.values)}
            for f in FIELDS.values()]
