"""An independent, pure-Python reading of a rule tree over `Person` facts (the compiler's oracle)."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tests.services.segments.population import Person

NEGATIONS = {"!=": "=", "not in": "in", "not contains": "contains"}


def matches(node: dict[str, Any], p: Person, today: date, tz: str) -> bool:
    """Does the (raw, not necessarily canonical) tree select this person?"""
    op = node["op"].lower()
    if "field" not in node:
        results = [matches(c, p, today, tz) for c in node["children"]]
        return (not results[0]) if op == "not" else all(results) if op == "and" else any(results)
    if op in NEGATIONS:
        return not _leaf(node["field"], NEGATIONS[op], node.get("value"), p, today, tz)
    return _leaf(node["field"], op, node.get("value"), p, today, tz)


def _facts(p: Person, today: date, tz: str) -> dict[str, Any]:
    pred = p.prediction or {}
    has_stats = p.net_minor is not None
    group = pred.get("rfm_group") or ("PROSPECTS" if not has_stats else None)
    return {
        "amount_spent": Decimal(p.net_minor or 0) / 10_000,
        "number_of_orders": p.orders if has_stats else 0,
        "average_order_value": (Decimal(p.net_minor // max(p.orders, 1)) / 10_000) if has_stats else None,
        "first_order_date": p.first_order, "last_order_date": p.last_order,
        "days_since_last_order": (today - p.last_order).days if p.last_order else None,
        "rfm_group": group,
        "r_score": pred.get("r") or None, "f_score": pred.get("f") or None, "m_score": pred.get("m") or None,
        "p_alive": pred.get("p_alive"), "churn_risk": pred.get("churn_risk"),
        "predicted_clv": pred.get("clv_12m"), "expected_next_order_date": pred.get("next_order_at"),
        "country": p.country, "email_subscription_status": p.email_state,
        "created_at": p.created_at.astimezone(ZoneInfo(tz)).date() if p.created_at else None,
    }


def _leaf(name: str, op: str, raw: Any, p: Person, today: date, tz: str) -> bool:
    if name == "customer_tags":
        return _lower(str(raw).strip()) in {_lower(t) for t in p.tags}
    if name == "products_purchased":
        text = str(raw)
        gid = text if text.startswith("gid://") else f"gid://shopify/Product/{int(text)}"
        return gid in p.products
    actual = _facts(p, today, tz)[name]
    if op == "is null":
        return actual is None
    if op == "is not null":
        return actual is not None
    if actual is None:
        return False

    def value(v: Any) -> Any:
        if isinstance(actual, date):
            return _day(str(v).strip().lower(), today)
        if isinstance(actual, str):
            return str(v).strip().upper() if name == "country" else str(v).strip().lower()
        return Decimal(str(v))

    probe: Any = actual.lower() if isinstance(actual, str) and name != "country" else actual
    if isinstance(probe, float):
        probe = Decimal(repr(probe))
    if op == "between":
        return value(raw[0]) <= probe <= value(raw[1])
    if op == "in":
        return probe in {value(v) for v in raw}
    v = value(raw)
    return {"=": probe == v, ">": probe > v, ">=": probe >= v, "<": probe < v, "<=": probe <= v}[op]


def _day(text: str, today: date) -> date:
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    if text[0] in "+-":
        n = int(text[1:-1]) * (1 if text[0] == "+" else -1)
        unit = text[-1]
        if unit == "d":
            return today + timedelta(days=n)
        if unit == "w":
            return today + timedelta(days=7 * n)
        months = n if unit == "m" else 12 * n
        y, m = divmod(today.month - 1 + months, 12)
        year = today.year + y
        return date(year, m + 1, min(today.day, calendar.monthrange(year, m + 1)[1]))
    return datetime.strptime(text, "%Y-%m-%d").date()


def _lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)
