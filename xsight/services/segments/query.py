"""Turn a shop's rule tree into facts + condition at a given instant (the shop's local today)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Subquery

from xsight.extensions import db
from xsight.models import Shop
from xsight.models.types import utcnow
from xsight.services.crm.facts import customer_facts
from xsight.services.segments.compiler import Context, compile_rules
from xsight.services.segments.dates import shop_today
from xsight.services.segments.fields import FIELDS

# Fields whose values change when a model run (recompute) is stored; the rest change with synced data.
PREDICTION_FIELDS = frozenset({"rfm_group", "r_score", "f_score", "m_score", "p_alive", "churn_risk",
                               "predicted_clv", "expected_next_order_date"})
SYNC_FIELDS = frozenset(FIELDS) - PREDICTION_FIELDS


def context(shop: Shop, now: datetime | None = None) -> Context:
    """Return the evaluation context for `shop` at `now` (default: this instant)."""
    return Context(shop_id=shop.id, today=shop_today(shop.iana_timezone, now or utcnow()),
                   timezone=shop.iana_timezone, dialect=db.engine.dialect.name)


def condition(shop: Shop, rules: dict[str, Any],
              now: datetime | None = None) -> tuple[Subquery, ColumnElement[bool]]:
    """Return the shop's customer facts and the condition that a canonical `rules` tree compiles to."""
    facts = customer_facts(shop.id)
    return facts, compile_rules(rules, facts, context(shop, now))


def fields_of(rules: dict[str, Any]) -> set[str]:
    """Return the field names a tree mentions."""
    if "field" in rules:
        return {rules["field"]}
    return set().union(*(fields_of(c) for c in rules.get("children", [])))


def is_relative(rules: dict[str, Any]) -> bool:
    """True when the tree's meaning moves with the calendar (relative dates, days since last order)."""
    if "field" in rules:
        if rules["field"] == "days_since_last_order":
            return True
        values = rules.get("value")
        values = values if isinstance(values, list) else [values]
        kind = FIELDS[rules["field"]].kind
        return kind in ("date", "datetime") and any(not str(v)[:1].isdigit() for v in values)
    return any(is_relative(c) for c in rules.get("children", []))
