"""Turn the customer list's filters into SQL conditions over the facts subquery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, exists, func, select
from sqlalchemy.orm import aliased

from xsight.errors import NotFound
from xsight.extensions import db
from xsight.models import CustomerFactTag, Segment, SegmentMembership, Shop
from xsight.models.types import to_minor
from xsight.services.crm.facts import has_tag_key, tag_key
from xsight.services.crm.search import like_pattern, matches

__all__ = ["CustomerFilters", "conditions", "count_query", "has_tag", "is_member", "like_pattern",
           "total_key"]


@dataclass(frozen=True)
class CustomerFilters:
    """Validated filters of `GET /customers` (None or empty = not filtered)."""

    q: str | None = None
    rfm_group: tuple[str, ...] = ()
    churn_risk: tuple[str, ...] = ()
    p_alive_min: float | None = None
    p_alive_max: float | None = None
    clv_min: Decimal | None = None
    clv_max: Decimal | None = None
    country: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    spent_min: Decimal | None = None
    spent_max: Decimal | None = None
    orders_min: int | None = None
    orders_max: int | None = None
    first_order_from: date | None = None
    first_order_to: date | None = None
    last_order_from: date | None = None
    last_order_to: date | None = None
    email_subscription_status: tuple[str, ...] = ()
    segment_id: int | None = None


def has_tag(facts: Subquery, shop_id: int, tag: str, *, scan: bool = False) -> ColumnElement[bool]:
    """Return whether the facts row's customer has `tag` (exact), from the indexed tag rows.

    `scan=True` is for a count, which tests every row of the shop (see `facts.has_tag_key`).
    """
    return has_tag_key(facts, shop_id, tag_key(tag), tag, scan=scan)


def total_key(f: CustomerFilters) -> CustomerFilters | None:
    """Return the key the filter's total may be cached under; None when it reads more than facts."""
    return f if f.segment_id is None else None  # memberships change without a facts write


def is_member(facts: Subquery, shop_id: int, segment_id: int) -> ColumnElement[bool]:
    """Return whether the facts row is a current member of the segment."""
    m = SegmentMembership
    return exists(select(m.id).where(m.shop_id == shop_id, m.segment_id == segment_id,
                                     m.customer_id == facts.c.customer_id, m.left_at.is_(None)))


def _range(column: ColumnElement[Any], low: Any, high: Any) -> list[ColumnElement[bool]]:
    found = []
    if low is not None:
        found.append(column >= low)
    if high is not None:
        found.append(column <= high)
    return found


def count_query(shop: Shop, facts: Subquery, f: CustomerFilters) -> Select[Any]:
    """Return the statement that counts the filter's matches exactly, in the shape cheapest to count.

    A filter on tags alone counts the shop's tag rows of the first tag (one per customer who has it,
    and only customers with a facts row have tag rows: `facts` writes both together), probing the
    others in the same index; no facts row is read. Any other filter counts the facts rows, with tag
    tests in their counting form.
    """
    if f.tag and f == CustomerFilters(tag=f.tag):
        t = CustomerFactTag
        first, *rest = f.tag
        probes = []
        for other in rest:
            o = aliased(CustomerFactTag)
            probes.append(exists().where(o.shop_id == shop.id, o.tag_key == tag_key(other), o.tag == other,
                                         o.customer_id == t.customer_id))
        return select(func.count()).select_from(t).where(
            t.shop_id == shop.id, t.tag_key == tag_key(first), t.tag == first, *probes)
    return select(func.count()).select_from(facts).where(*conditions(shop, facts, f, counting=True))


def conditions(shop: Shop, facts: Subquery, f: CustomerFilters, *,
               counting: bool = False) -> list[ColumnElement[bool]]:
    """Return one SQL condition per filter that is set; an unknown segment is a 404.

    `counting=True` shapes the tag and search tests for a count over every row rather than a page.
    """
    c = facts.c
    found: list[ColumnElement[bool]] = []
    if f.q:
        found.append(matches(facts, f.q, counting=counting))
    for column, values in ((c.rfm_group, f.rfm_group), (c.churn_risk, f.churn_risk),
                           (c.country, f.country)):
        if values:
            found.append(column.in_(values))
    if f.email_subscription_status:
        found.append(func.lower(c.email_subscription_status).in_(
            [v.lower() for v in f.email_subscription_status]))
    found += [has_tag(facts, shop.id, tag, scan=counting) for tag in f.tag]
    found += _range(c.p_alive, f.p_alive_min, f.p_alive_max)
    found += _range(c.predicted_clv, None if f.clv_min is None else float(f.clv_min),
                    None if f.clv_max is None else float(f.clv_max))
    found += _range(c.amount_spent, None if f.spent_min is None else to_minor(f.spent_min),
                    None if f.spent_max is None else to_minor(f.spent_max))
    found += _range(c.number_of_orders, f.orders_min, f.orders_max)
    found += _range(c.first_order_date, f.first_order_from, f.first_order_to)
    found += _range(c.last_order_date, f.last_order_from, f.last_order_to)
    if f.segment_id is not None:
        if db.session.scalar(select(Segment.id).where(Segment.shop_id == shop.id,
                                                      Segment.id == f.segment_id)) is None:
            raise NotFound(f"Segment {f.segment_id} does not exist in this shop.")
        found.append(is_member(facts, shop.id, f.segment_id))
    return found
