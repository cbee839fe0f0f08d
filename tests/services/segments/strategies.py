"""Random rule trees (hypothesis) and the exhaustive leaf list, with values on the population's edges."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product
from typing import Any

from hypothesis import strategies as st

from tests.services.segments.population import COUNTRIES, EMAIL, PRODUCTS, RISKS, TAGS
from xsight.analytics.rfm import GROUPS

COMPARE = ["=", "!=", ">", ">=", "<", "<="]
NULLS = ["is null", "is not null"]
DATES = ["today", "yesterday", "-30d", "-4w", "-1m", "+7d", "-0d", "2026-11-01", "2026-10-27", "-1y", "-3M"]
MONEY = [0, 50, 100, "123.45", -5, "99.9999", 900, 1e3]
NUMBERS = [0, 0.25, 0.5, 1, 100, 250.5, 1000]
INTS = [0, 1, 2, 3, 5, 6, 30]
ORDERED = [  # field, value pool, nullable
    ("amount_spent", MONEY, False), ("average_order_value", MONEY, True),
    ("number_of_orders", INTS, False), ("days_since_last_order", INTS, True), ("r_score", INTS, True),
    ("p_alive", NUMBERS, True), ("predicted_clv", NUMBERS, True), ("first_order_date", DATES, True),
    ("last_order_date", DATES, True), ("expected_next_order_date", DATES, True), ("created_at", DATES, True),
]
EQUALITY = ["=", "!=", "in", "not in", "is null", "is not null"]
LISTED = [  # field, value pool, operators
    ("rfm_group", [*GROUPS, "champions"], EQUALITY),
    ("churn_risk", [r for r in RISKS if r], EQUALITY),
    ("country", [*(c for c in COUNTRIES if c), "us"], EQUALITY),
    ("email_subscription_status", [e for e in EMAIL if e], EQUALITY),
    ("customer_tags", [*TAGS, "Vip", "none"], ["contains", "not contains"]),
    ("products_purchased", [*PRODUCTS, "13", "gid://shopify/Product/99"], ["contains", "not contains"]),
]


def _leaf(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "op": op} if op in NULLS else {"field": field, "op": op, "value": value}


def all_leaves() -> Iterator[dict[str, Any]]:
    """Every single condition the pools allow (lists and ranges over value pairs)."""
    for field, pool, nullable in ORDERED:
        for op in COMPARE + (NULLS if nullable else []):
            for value in pool if op not in NULLS else [None]:
                yield _leaf(field, op, value)
        for low, high in product(pool, pool):
            yield _leaf(field, "between", [low, high])
    for field, pool, ops in LISTED:
        for op in ops:
            for value in pool if op not in NULLS else [None]:
                yield _leaf(field, op, [value, pool[0]] if "in" in op.split() else value)


def _ordered(field: str, pool: list[Any], nullable: bool) -> st.SearchStrategy[dict[str, Any]]:
    ops = st.sampled_from(COMPARE + ["between"] + (NULLS if nullable else []))
    values = st.sampled_from(pool)
    return st.builds(lambda op, a, b: _leaf(field, op, [a, b] if op == "between" else a), ops, values, values)


def _listed(field: str, pool: list[Any], ops: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    def leaf(op: str, values: list[Any]) -> dict[str, Any]:
        return _leaf(field, op, values if "in" in op.split() else values[0])
    return st.builds(leaf, st.sampled_from(ops), st.lists(st.sampled_from(pool), min_size=1, max_size=3))


KINDS = [_ordered(*spec) for spec in ORDERED] + [_listed(*spec) for spec in LISTED]
# sampled_from + flatmap picks a field uniformly (one_of favours its first branches).
LEAVES = st.sampled_from(KINDS).flatmap(lambda leaf: leaf)


def trees(max_leaves: int = 8) -> st.SearchStrategy[dict[str, Any]]:
    """Random nested and/or/not trees of leaves."""
    return st.recursive(
        LEAVES,
        lambda kids: st.one_of(
            st.builds(lambda op, c: {"op": op, "children": c}, st.sampled_from(["and", "or"]),
                      st.lists(kids, min_size=1, max_size=3)),
            st.builds(lambda c: {"op": "not", "children": [c]}, kids),
        ),
        max_leaves=max_leaves,
    )
