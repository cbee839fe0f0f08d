"""Compile a canonical rule tree into one parameterised SQL condition over the customer facts.

Every leaf is two-valued: a positive comparison on a missing value is false, and the negative
operators (`!=`, `not in`, `not contains`) are exactly NOT of their positive form, so they keep
customers without a value (Shopify's segment rule: negations keep NULL rows). Values are bound
parameters, never SQL text; field names come only from the whitelist in `fields`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, false, not_, or_, select, true

from xsight.models import Order, OrderLineItem
from xsight.models.types import to_minor
from xsight.services.crm.facts import has_tag_key, tag_key
from xsight.services.segments.dates import day_start, resolve
from xsight.services.segments.fields import FIELDS, NEGATIVE


@dataclass(frozen=True)
class Context:
    """What a rule is evaluated against: the shop, its local today and time zone, the SQL dialect."""

    shop_id: int
    today: date
    timezone: str
    dialect: str


def compile_rules(tree: dict[str, Any], facts: Subquery, ctx: Context) -> ColumnElement[bool]:
    """Return the SQL condition selecting the facts rows that `tree` (canonical) matches."""
    op = tree.get("op")
    if "field" not in tree:
        parts = [compile_rules(child, facts, ctx) for child in tree["children"]]
        if op == "not":
            return not_(parts[0])
        if not parts:
            return true() if op == "and" else false()
        return and_(*parts) if op == "and" else or_(*parts)
    if op in NEGATIVE:
        return not_(_positive(tree["field"], NEGATIVE[op], tree.get("value"), facts, ctx))
    return _positive(tree["field"], str(op), tree.get("value"), facts, ctx)


def _positive(name: str, op: str, value: Any, facts: Subquery, ctx: Context) -> ColumnElement[bool]:
    kind = FIELDS[name].kind
    if kind == "tags":
        return _has_tag(facts, str(value), ctx)
    if kind == "product":
        return _bought(facts, str(value), ctx)
    if name == "days_since_last_order":
        return _days_since(facts.c.last_order_date, op, value, ctx)
    column = facts.c[name]
    if op == "is null":
        return column.is_(None)
    if op == "is not null":
        return column.is_not(None)
    if kind == "datetime":
        return and_(column.is_not(None), _instant_compare(column, op, value, ctx))
    convert = _converter(kind, ctx)
    if op == "between":
        low, high = (convert(v) for v in value)
        return and_(column.is_not(None), column >= low, column <= high)
    if op == "in":
        return and_(column.is_not(None), column.in_([convert(v) for v in value]))
    return and_(column.is_not(None), _compare(column, op, convert(value)))


def _converter(kind: str, ctx: Context) -> Any:
    if kind == "money":
        return lambda v: to_minor(Decimal(v))
    if kind == "date":
        return lambda v: resolve(v, ctx.today)
    if kind == "number":
        return float
    return lambda v: v


def _compare(column: Any, op: str, value: Any) -> ColumnElement[bool]:
    if op == "=":
        return column == value
    if op == ">":
        return column > value
    if op == ">=":
        return column >= value
    if op == "<":
        return column < value
    return column <= value


def _instant_compare(column: Any, op: str, value: Any, ctx: Context) -> ColumnElement[bool]:
    """Compare a UTC timestamp with shop-local whole days, as Shopify's date filters do."""
    def start(v: str, shift: int = 0) -> Any:
        return day_start(resolve(v, ctx.today) + timedelta(days=shift), ctx.timezone)
    if op == "between":
        return and_(column >= start(value[0]), column < start(value[1], 1))
    if op == "in":
        return or_(*(and_(column >= start(v), column < start(v, 1)) for v in value))
    if op == "=":
        return and_(column >= start(value), column < start(value, 1))
    if op == ">":
        return column >= start(value, 1)
    if op == ">=":
        return column >= start(value)
    if op == "<":
        return column < start(value)
    return column < start(value, 1)


def _days_since(last: Any, op: str, value: Any, ctx: Context) -> ColumnElement[bool]:
    """days_since_last_order op n  <=>  last_order_date (reversed op) today - n."""
    if op == "is null":
        return last.is_(None)
    if op == "is not null":
        return last.is_not(None)
    def day(n: int) -> date:  # clamped: a day count past the calendar selects like its edge
        n = max((ctx.today - date.max).days, min(n, (ctx.today - date.min).days))
        return ctx.today - timedelta(days=n)
    if op == "between":
        return and_(last.is_not(None), last >= day(value[1]), last <= day(value[0]))
    if op == "in":
        return and_(last.is_not(None), last.in_([day(n) for n in value]))
    reverse = {"=": "=", ">": "<", ">=": "<=", "<": ">", "<=": ">="}[op]
    return and_(last.is_not(None), _compare(last, reverse, day(value)))


def _has_tag(facts: Subquery, tag: str, ctx: Context) -> ColumnElement[bool]:
    """True when the customer has the tag, compared case-insensitively (ASCII letters only).

    Reads the indexed `customer_fact_tags` rows, kept with the facts, whose `tag_key` is the tag
    with its ASCII letters lower-cased.
    """
    return has_tag_key(facts, ctx.shop_id, tag_key(tag), scan=True)


def _bought(facts: Subquery, product_gid: str, ctx: Context) -> ColumnElement[bool]:
    """True when one of the customer's live, non-test orders has a line item of the product."""
    buyers = (select(Order.customer_id)
              .join(OrderLineItem, OrderLineItem.order_id == Order.id)
              .where(OrderLineItem.shop_id == ctx.shop_id, OrderLineItem.product_gid == product_gid,
                     Order.shop_id == ctx.shop_id, Order.customer_id.is_not(None),
                     Order.test.is_(False), Order.cancelled_at.is_(None)))
    return facts.c.customer_id.in_(buyers)
