"""A customer's timeline: orders, cancellations, refunds, updates, segment moves and tags, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, or_, select, union_all

from xsight.errors import BadRequest
from xsight.extensions import db
from xsight.models import CustomerEvent, Order, Refund, Segment, SegmentMembership, Shop
from xsight.services.crm import keyset
from xsight.services.crm.customer_list import amount, timestamp
from xsight.services.crm.customer_profile import find_customer

KINDS = ("order_placed", "order_cancelled", "refund", "customer_updated", "segment_entered",
         "segment_left", "tags_added", "tags_removed")
SORT = "timeline"


def _sources(shop_id: int, customer_id: int) -> Any:
    """Return one UNION ALL of (kind, occurred_at, ref_id) over every table a timeline reads."""
    o, r, m, e = Order, Refund, SegmentMembership, CustomerEvent
    mine = [o.shop_id == shop_id, o.customer_id == customer_id]
    refunded_at = func.coalesce(r.processed_at, r.shopify_created_at)
    return union_all(
        select(literal("order_placed").label("kind"), o.processed_at.label("occurred_at"),
               o.id.label("ref_id")).where(*mine),
        select(literal("order_cancelled"), o.cancelled_at, o.id).where(*mine, o.cancelled_at.is_not(None)),
        select(literal("refund"), refunded_at, r.id).join(o, o.id == r.order_id)
        .where(*mine, r.shop_id == shop_id, refunded_at.is_not(None)),
        select(e.kind, e.occurred_at, e.id).where(e.shop_id == shop_id, e.customer_id == customer_id),
        select(literal("segment_entered"), m.entered_at, m.id)
        .where(m.shop_id == shop_id, m.customer_id == customer_id),
        select(literal("segment_left"), m.left_at, m.id)
        .where(m.shop_id == shop_id, m.customer_id == customer_id, m.left_at.is_not(None)),
    ).subquery("timeline")


def _decode(cursor: str) -> tuple[datetime, str, int]:
    value, ref_id = keyset.decode(cursor, SORT, "desc", "str")
    at, _, kind = str(value).partition("|")
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        raise BadRequest(keyset.BAD_CURSOR, code="bad_cursor") from None
    if kind not in KINDS or when.tzinfo is None:
        raise BadRequest(keyset.BAD_CURSOR, code="bad_cursor")
    return when, kind, ref_id


def timeline(shop: Shop, customer_id: int, *, limit: int, after: str | None) -> dict[str, Any]:
    """Return one page of a customer's events, newest first, and the cursor of the next page."""
    customer = find_customer(shop.id, customer_id)
    t = _sources(shop.id, customer.id)
    query = select(t.c.kind, t.c.occurred_at, t.c.ref_id)
    if after:
        at, kind, ref_id = _decode(after)
        older: ColumnElement[bool] = or_(
            t.c.occurred_at < at,
            and_(t.c.occurred_at == at, or_(t.c.kind < kind, and_(t.c.kind == kind, t.c.ref_id < ref_id))))
        query = query.where(older)
    rows = list(db.session.execute(query.order_by(t.c.occurred_at.desc(), t.c.kind.desc(),
                                                  t.c.ref_id.desc()).limit(limit + 1)).all())
    more, rows = len(rows) > limit, rows[:limit]
    next_cursor = None
    if more and rows:
        kind, at, ref_id = rows[-1]
        next_cursor = keyset.encode(SORT, "desc", "str", f"{at.isoformat()}|{kind}", ref_id)
    details = _details(shop.id, rows)
    return {"events": [{"kind": kind, "occurred_at": timestamp(at), **details[(kind, ref_id)]}
                       for kind, at, ref_id in rows], "next_cursor": next_cursor}


def _ids(rows: Sequence[Any], *kinds: str) -> list[int]:
    return [ref_id for kind, _, ref_id in rows if kind in kinds]


def _details(shop_id: int, rows: Sequence[Any]) -> dict[tuple[str, int], dict[str, Any]]:
    """Return the title and data of every event on the page, a few queries per page."""
    found: dict[tuple[str, int], dict[str, Any]] = {}
    order_ids = _ids(rows, "order_placed", "order_cancelled")
    for o in db.session.scalars(select(Order).where(Order.shop_id == shop_id, Order.id.in_(order_ids))):
        data = {"order_id": o.id, "name": o.name, "total_price": amount(o.total_price),
                "currency_code": o.currency_code}
        found[("order_placed", o.id)] = {"title": f"Placed order {o.name}", "data": data}
        found[("order_cancelled", o.id)] = {"title": f"Order {o.name} was cancelled",
                                            "data": data | {"reason": o.cancel_reason}}
    for r, name, currency in db.session.execute(
            select(Refund, Order.name, Order.currency_code).join(Order, Order.id == Refund.order_id)
            .where(Refund.shop_id == shop_id, Refund.id.in_(_ids(rows, "refund")))):
        found[("refund", r.id)] = {"title": f"Refund of {amount(r.total_refunded)} on order {name}",
                                   "data": {"order_id": r.order_id, "name": name,
                                            "total_refunded": amount(r.total_refunded),
                                            "currency_code": currency}}
    for e in db.session.scalars(select(CustomerEvent).where(
            CustomerEvent.shop_id == shop_id,
            CustomerEvent.id.in_(_ids(rows, "customer_updated", "tags_added", "tags_removed")))):
        found[(e.kind, e.id)] = {"title": _event_title(e.kind, e.data or {}), "data": e.data or {}}
    m = SegmentMembership
    for mid, sid, name in db.session.execute(
            select(m.id, Segment.id, Segment.name).join(Segment, Segment.id == m.segment_id)
            .where(m.shop_id == shop_id, m.id.in_(_ids(rows, "segment_entered", "segment_left")))):
        found[("segment_entered", mid)] = {"title": f"Entered segment {name}",
                                           "data": {"segment_id": sid, "name": name}}
        found[("segment_left", mid)] = {"title": f"Left segment {name}",
                                        "data": {"segment_id": sid, "name": name}}
    return found


def _event_title(kind: str, data: dict[str, Any]) -> str:
    if kind == "customer_updated":
        return "Customer updated: " + ", ".join(data.get("fields") or []) if data.get("fields") \
            else "Customer updated"
    verb = "added" if kind == "tags_added" else "removed"
    return f"Tags {verb}: {', '.join(data.get('tags') or [])}"
