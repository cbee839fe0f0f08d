"""An independent, row-by-row computation of the rollups from the raw tables (for tests)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from xsight.extensions import db
from xsight.models import Order, OrderLineItem, Refund, RefundLineItem, Shop

D0 = Decimal(0)


def _key(o: Order) -> str | None:
    if o.customer_gid:
        return o.customer_gid
    return f"email:{o.email.strip().lower()}" if o.email and o.email.strip() else None


def compute(shop_id: int) -> tuple[dict[date, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Return (days, customers) computed with plain Python loops over ORM objects."""
    shop = db.session.get(Shop, shop_id)
    zone = ZoneInfo(shop.iana_timezone)
    days: dict[date, dict[str, Any]] = defaultdict(lambda: defaultdict(lambda: D0))
    customers: dict[str, dict[str, Any]] = {}
    lq: list[tuple[Any, ...]] = []
    for o in db.session.scalars(select(Order).where(Order.shop_id == shop_id)):
        if o.test or o.currency_code != shop.currency:
            continue
        lines = db.session.scalars(select(OrderLineItem).where(OrderLineItem.order_id == o.id)).all()
        products = [x for x in lines if not x.is_gift_card]
        gross = sum((x.original_unit_price * x.quantity for x in products), D0)
        disc = sum((x.total_discount for x in products), D0)
        day = o.processed_at.astimezone(zone).date()
        d = days[day]
        if products:
            d["orders"] += 1
            d["aov_numerator"] += gross - disc
        d["gross_sales"] += gross
        d["discounts"] += disc
        returned = D0
        for r in db.session.scalars(select(Refund).where(Refund.order_id == o.id)):
            rl = db.session.scalars(select(RefundLineItem).where(RefundLineItem.refund_id == r.id)).all()
            value = sum((x.subtotal for x in rl if not x.is_gift_card), D0) + r.adjustments
            days[r.processed_at.astimezone(zone).date()]["returns"] += value
            returned += value
        if o.cancelled_at and products:
            rest = max(D0, gross - disc - (returned - sum(
                (r.adjustments for r in db.session.scalars(select(Refund).where(Refund.order_id == o.id))),
                D0)))
            days[o.cancelled_at.astimezone(zone).date()]["returns"] += rest
            returned += rest
        if products and not o.cancelled_at and _key(o):
            lq.append((_key(o), o.processed_at, o.id, o.shopify_gid, day, gross, disc,
                       gross - disc - returned))
    for key, _at, _, gid, day, gross, disc, net in sorted(lq, key=lambda t: (t[0], t[1], t[2])):
        c = customers.get(key)
        if c is None:
            c = customers[key] = {"first_order_gid": gid, "first_order_date": day, "lifetime_orders": 0,
                                  "gross_sales": D0, "discounts": D0, "net_sales": D0,
                                  "months": defaultdict(lambda: [0, D0])}
        c["last_order_date"] = day
        c["lifetime_orders"] += 1
        c["gross_sales"] += gross
        c["discounts"] += disc
        c["net_sales"] += net
        month = c["months"][day.replace(day=1)]
        month[0] += 1
        month[1] += net
    for d in days.values():
        d["net_sales"] = d["gross_sales"] - d["discounts"] - d["returns"]
    return dict(days), customers
