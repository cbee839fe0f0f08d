"""Built-in segment templates a merchant can start from."""

from __future__ import annotations

from typing import Any

from xsight.services.segments.text import parse

TEMPLATES: tuple[dict[str, str], ...] = (
    {"key": "champions", "name": "Champions",
     "description": "Bought recently, buy often and spend the most (RFM group Champions).",
     "query": "rfm_group = 'CHAMPIONS'"},
    {"key": "big_spenders_slipping_away", "name": "Big spenders slipping away",
     "description": "Top-40% spenders (monetary score 4-5) whose chance of still being a customer "
                    "has fallen to a medium or high churn risk.",
     "query": "m_score >= 4 AND churn_risk IN ('medium', 'high')"},
    {"key": "one_time_buyers_60_120_days", "name": "One-time buyers 60-120 days",
     "description": "Bought exactly once, between 60 and 120 days ago: the window to win a second order.",
     "query": "number_of_orders = 1 AND days_since_last_order BETWEEN 60 AND 120"},
    {"key": "likely_to_buy_this_month", "name": "Likely to buy again this month",
     "description": "Expected to order within 30 days and still likely active (P(alive) of 50% or more).",
     "query": "expected_next_order_date BETWEEN today AND +30d AND p_alive >= 0.5"},
)


def all_templates() -> list[dict[str, Any]]:
    """Return every template with its rule tree and text form."""
    return [{**t, "rules": parse(t["query"])} for t in TEMPLATES]


def template(key: str) -> dict[str, Any] | None:
    """Return one template by key, or None."""
    return next((t for t in all_templates() if t["key"] == key), None)
