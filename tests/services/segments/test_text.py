"""Shopify segment syntax: parse/format round trip, the issue's example, positioned errors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.services.segments.strategies import all_leaves, trees
from xsight.services.segments.text import QuerySyntaxError, format_rules, parse
from xsight.services.segments.tree import InvalidRules, canonical


@settings(max_examples=400, deadline=None)
@given(tree=trees(max_leaves=10))
def test_format_then_parse_round_trips(tree: dict[str, Any]) -> None:
    rules = canonical(tree)
    assert parse(format_rules(rules)) == rules


def test_every_single_condition_round_trips() -> None:
    for leaf in all_leaves():
        rules = canonical(leaf)
        assert parse(format_rules(rules)) == rules, leaf


def test_the_issue_example() -> None:
    text = ("amount_spent > 100 AND (rfm_group = 'CHAMPIONS' OR number_of_orders >= 5) "
            "AND last_order_date < -30d")
    rules = parse(text)
    assert rules == {"op": "and", "children": [
        {"field": "amount_spent", "op": ">", "value": "100"},
        {"op": "or", "children": [{"field": "rfm_group", "op": "=", "value": "CHAMPIONS"},
                                  {"field": "number_of_orders", "op": ">=", "value": 5}]},
        {"field": "last_order_date", "op": "<", "value": "-30d"},
    ]}
    assert format_rules(rules) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("customer_tags CONTAINS 'vip' AND NOT customer_tags CONTAINS 'b2b'",
     {"op": "and", "children": [{"field": "customer_tags", "op": "contains", "value": "vip"},
                                {"op": "not", "children": [
                                    {"field": "customer_tags", "op": "contains", "value": "b2b"}]}]}),
    ("products_purchased MATCHES (id = 123)",
     {"field": "products_purchased", "op": "contains", "value": "gid://shopify/Product/123"}),
    ("last_order_date BETWEEN -90d AND today", {"field": "last_order_date", "op": "between",
                                                 "value": ["-90d", "today"]}),
    ("country in ('us', 'CA') or email_subscription_status is not null",
     {"op": "or", "children": [{"field": "country", "op": "in", "value": ["US", "CA"]},
                               {"field": "email_subscription_status", "op": "is not null"}]}),
    ("customer_tags CONTAINS 'it\\'s'", {"field": "customer_tags", "op": "contains", "value": "it's"}),
    ("", {"op": "and", "children": []}),
])
def test_parses_shopify_forms(text: str, expected: dict[str, Any]) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(("text", "position", "fragment"), [
    ("amount_spent >", 14, "expected a value"),
    ("amount_spent > 100 AND", 22, "expected a field name"),
    ("amount_spnt > 100", 0, "unknown field 'amount_spnt'"),
    ("amount_spent ~ 100", 13, "unexpected character '~'"),
    ("amount_spent > 'abc'", 0, 'expected a number, got "abc"'),
    ("(amount_spent > 100", 19, "expected ')'"),
    ("amount_spent > 100 amount_spent", 19, "expected AND, OR"),
    ("rfm_group = 'BEST'", 0, "expected one of CHAMPIONS"),
    ("rfm_group CONTAINS 'x'", 0, "rfm_group supports"),
    ("customer_tags = vip", 16, "expected a value"),
    ("last_order_date < 2026-02-30", 0, "expected a date"),
])
def test_errors_name_the_position(text: str, position: int, fragment: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(text)
    assert info.value.details["position"] == position
    assert fragment in info.value.message


@pytest.mark.parametrize(("tree", "message"), [
    ({"op": "and", "children": [{"field": "amount_spent", "op": ">", "value": 1},
                                {"field": "number_of_orders", "op": ">", "value": "abc"}]},
     'rules.children[1].value: expected a number, got "abc"'),
    ({"op": "xor", "children": []}, 'rules.op: expected "and", "or" or "not", got "xor"'),
    ({"field": "password", "op": "=", "value": "x"}, 'rules.field: unknown field "password"'),
    ({"field": "amount_spent", "op": "; DROP TABLE customers", "value": 1},
     "rules.op: amount_spent supports"),
    ({"op": "or", "children": []}, "rules.children: a group needs at least one condition"),
    ({"op": "not", "children": [{"field": "amount_spent", "op": ">", "value": 1}] * 2},
     'rules.children: "not" takes exactly one child, got 2'),
    ({"field": "amount_spent", "op": "between", "value": [1]}, "rules.value: between takes a list of two"),
    ({"field": "amount_spent", "op": ">", "value": "1.00001"}, "at most 4 decimal places"),
    ({"field": "number_of_orders", "op": ">", "value": True}, "expected a number, got true"),
])
def test_tree_errors_name_the_path(tree: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidRules) as info:
        canonical(tree)
    assert message in info.value.message


def test_injection_values_are_data() -> None:
    evil = "x'; DROP TABLE customers; --"
    rules = parse(format_rules(canonical({"field": "customer_tags", "op": "contains", "value": evil})))
    assert rules == {"field": "customer_tags", "op": "contains", "value": evil}


ALPHABET = "abcdefghijklmnopqrstuvwxyz_ ()',=<>!-+.0123456789ANDORNTISBEWCMLHdwmy\\\"\n\t;é"


@settings(max_examples=1500, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=80) | st.text(max_size=40))
def test_random_text_parses_or_fails_with_a_positioned_error(text: str) -> None:
    """Fuzz: any input either yields a canonical tree or a 400 with a position inside the text."""
    try:
        rules = parse(text)
    except QuerySyntaxError as exc:
        assert 0 <= exc.details["position"] <= len(text)
        assert exc.status == 400
    else:
        assert canonical(rules) == rules
        assert parse(format_rules(rules)) == rules


@settings(max_examples=300, deadline=None)
@given(tree=trees(max_leaves=6), cut=st.integers(min_value=0, max_value=200))
def test_truncated_queries_never_crash(tree: dict[str, Any], cut: int) -> None:
    text = format_rules(canonical(tree))[:cut]
    try:
        parse(text)
    except QuerySyntaxError as exc:
        assert 0 <= exc.details["position"] <= len(text)
