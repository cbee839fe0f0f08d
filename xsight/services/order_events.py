"""Turn raw orders, line items and refunds into dated order events (METRICS.md 1.1-1.2)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, and_, case, func, select, type_coerce
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.sql.elements import ColumnElement

from xsight.models import Order, OrderLineItem, Refund, RefundLineItem

AnySession = Session | scoped_session[Any]
Event = dict[str, Any]


def raw(column: Any) -> Any:
    """Read a Money column as its stored integer 1/10,000 units."""
    return type_coerce(column, BigInteger)


def customer_key(customer_gid: str | None, email: str | None) -> str | None:
    """Return the R6 customer key: the customer's gid, else the normalised email, else None."""
    if customer_gid:
        return customer_gid
    cleaned = (email or "").strip().lower()
    return f"email:{cleaned}" if cleaned else None


class LocalDays:
    """Convert aware UTC datetimes to shop-local calendar days (zoneinfo handles DST)."""

    def __init__(self, iana_timezone: str) -> None:
        self.zone = ZoneInfo(iana_timezone or "UTC")

    def __call__(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


def _line_totals(session: AnySession, shop_id: int, where: ColumnElement[bool]) -> dict[int, tuple]:
    li = OrderLineItem
    product = li.is_gift_card.is_(False)
    value = li.quantity * raw(li.original_unit_price)
    rows = session.execute(select(
        li.order_id,
        func.sum(case((product, value), else_=0)),
        func.sum(case((product, raw(li.total_discount)), else_=0)),
        func.sum(case((product, li.quantity), else_=0)),
        func.sum(case((product, 0), else_=value - raw(li.total_discount))),
        func.sum(case((product, 1), else_=0)),
    ).where(li.shop_id == shop_id, where).group_by(li.order_id))
    return {r[0]: tuple(int(v or 0) for v in r[1:]) for r in rows}


def _refunds(session: AnySession, shop_id: int, where: ColumnElement[bool]) -> dict[int, list]:
    r, rli = Refund, RefundLineItem
    product = rli.is_gift_card.is_(False)
    rows = session.execute(select(
        r.order_id, r.shopify_gid, r.processed_at, r.shopify_created_at,
        raw(r.shipping_refunded), raw(r.shipping_tax_refunded), raw(r.adjustments),
        raw(r.adjustments_tax),
        func.coalesce(func.sum(case((product, raw(rli.subtotal)), else_=0)), 0),
        func.coalesce(func.sum(raw(rli.total_tax)), 0),
        func.coalesce(func.sum(case((product, rli.quantity), else_=0)), 0),
    ).select_from(r).outerjoin(rli, and_(rli.refund_id == r.id, rli.shop_id == r.shop_id))
        .where(r.shop_id == shop_id, where).group_by(r.id))
    found: dict[int, list] = defaultdict(list)
    for row in rows:
        found[row[0]].append(row[1:])
    return found


def events_for_orders(session: AnySession, shop_id: int, currency: str, to_day: LocalDays,
                      order_where: ColumnElement[bool], line_where: ColumnElement[bool],
                      refund_where: ColumnElement[bool]) -> list[Event]:
    """Return the events of the orders matching `order_where` (children filtered likewise)."""
    o = Order
    orders = session.execute(select(
        o.id, o.shopify_gid, o.customer_gid, o.email, o.processed_at, o.cancelled_at, o.test,
        o.currency_code, raw(o.total_shipping), raw(o.total_tax),
    ).where(o.shop_id == shop_id, order_where)).all()
    if not orders:
        return []
    lines = _line_totals(session, shop_id, line_where)
    refunds = _refunds(session, shop_id, refund_where)
    events: list[Event] = []
    for row in orders:
        if row.test or row.currency_code != currency:  # R3; R1 mixed-currency guard
            continue
        events.extend(_order_events(shop_id, row, lines.get(row.id, (0, 0, 0, 0, 0)),
                                    refunds.get(row.id, []), to_day))
    return events


def _order_events(shop_id: int, o: Any, lines: Sequence[int], refunds: list[Any],
                  to_day: LocalDays) -> list[Event]:
    gross, discounts, units, gift, product_lines = lines
    counted = product_lines > 0
    qualifies = counted and o.cancelled_at is None
    key = customer_key(o.customer_gid, o.email)
    base = {"shop_id": shop_id, "order_gid": o.shopify_gid, "order_id": o.id, "customer_key": key,
            "processed_at": o.processed_at, "counted": counted, "qualifies": qualifies}
    zero = {"orders": 0, "orders_cancelled": 0, "gross": 0, "discounts": 0, "returns": 0,
            "shipping": 0, "taxes": 0, "gift_card_sales": 0, "units_ordered": 0,
            "units_reversed": 0, "attributed_net": 0}

    def event(kind: str, moment: datetime, **values: int) -> Event:
        day = to_day(moment)
        return {**base, **zero, **values, "kind": kind, "local_date": day,
                "local_month": day.replace(day=1)}

    out: list[Event] = []
    returned = shipped_back = taxed_back = units_back = 0
    for _gid, processed, created, ship, ship_tax, adj, adj_tax, sub, tax, qty in refunds:
        ret = int(sub) + int(adj)
        out.append(event("refund", processed or created or o.processed_at, returns=ret,
                         shipping=-int(ship), taxes=-(int(tax) + int(ship_tax) + int(adj_tax)),
                         units_reversed=int(qty)))
        returned += int(sub)
        shipped_back += int(ship)
        units_back += int(qty)
        taxed_back += int(tax) + int(ship_tax) + int(adj_tax)
    attributed = gross - discounts - sum(e["returns"] for e in out)
    if o.cancelled_at is not None and counted:
        # A cancellation reverses what no refund has reversed yet, on the day it happened (E3).
        rest = max(0, gross - discounts - returned)
        out.append(event("cancel", o.cancelled_at, returns=rest,
                         shipping=-max(0, int(o[8]) - shipped_back),
                         taxes=-max(0, int(o[9]) - taxed_back), units_reversed=max(0, units - units_back)))
        attributed -= rest
    out.append(event("order", o.processed_at, orders=int(counted),
                     orders_cancelled=int(counted and o.cancelled_at is not None),
                     gross=gross, discounts=discounts, shipping=int(o[8]), taxes=int(o[9]),
                     gift_card_sales=gift, units_ordered=units, attributed_net=attributed))
    return out
