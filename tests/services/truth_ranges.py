"""Row-by-row truth for the dashboard's range figures (METRICS.md 1.2), straight from the raw tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from xsight.extensions import db
from xsight.models import Order, OrderLineItem, Refund, RefundLineItem, Shop

D0 = Decimal(0)


@dataclass(frozen=True)
class Counted:
    """A counted order: its customer key, local day, placement time, id, gid, LQ flag and attributed net."""

    key: str
    day: date
    at: datetime
    id: int
    gid: str
    lq: bool
    net: Decimal


def counted_orders(shop_id: int) -> list[Counted]:
    """Every identified counted order of the shop (test and foreign-currency orders left out)."""
    shop = db.session.get(Shop, shop_id)
    zone = ZoneInfo(shop.iana_timezone)
    out = []
    for o in db.session.scalars(select(Order).where(Order.shop_id == shop_id)):
        key = o.customer_gid or (f"email:{o.email.strip().lower()}" if o.email and o.email.strip() else None)
        if o.test or o.currency_code != shop.currency or key is None:
            continue
        lines = db.session.scalars(select(OrderLineItem).where(OrderLineItem.order_id == o.id)).all()
        products = [x for x in lines if not x.is_gift_card]
        if not products:
            continue
        gross = sum((x.original_unit_price * x.quantity for x in products), D0)
        disc = sum((x.total_discount for x in products), D0)
        sub = adj = D0
        for r in db.session.scalars(select(Refund).where(Refund.order_id == o.id)):
            rl = db.session.scalars(select(RefundLineItem).where(RefundLineItem.refund_id == r.id)).all()
            sub += sum((x.subtotal for x in rl if not x.is_gift_card), D0)
            adj += r.adjustments
        rest = max(D0, gross - disc - sub) if o.cancelled_at else D0
        out.append(Counted(key, o.processed_at.astimezone(zone).date(), o.processed_at, o.id, o.shopify_gid,
                           o.cancelled_at is None, gross - disc - sub - adj - rest))
    return out


def range_figures(orders: list[Counted], start: date, end: date) -> tuple[dict[str, int], list[tuple]]:
    """Return (customers, new, returning counts) and every customer's (key, orders, net) ranked for top N."""
    first: dict[str, Counted] = {}
    for o in sorted((o for o in orders if o.lq), key=lambda o: (o.key, o.at, o.id)):
        first.setdefault(o.key, o)
    inside = [o for o in orders if start <= o.day <= end]
    returning = {o.key for o in inside if o.key in first and o.gid != first[o.key].gid
                 and o.at >= first[o.key].at}
    counts = {"customers": len({o.key for o in inside}), "returning_customers": len(returning),
              "new_customers": sum(1 for f in first.values() if start <= f.day <= end)}
    spend: dict[str, list] = {}
    for o in inside:
        row = spend.setdefault(o.key, [0, D0])
        row[0] += 1
        row[1] += o.net
    ranked = sorted(((k, n, net) for k, (n, net) in spend.items()), key=lambda t: (-t[2], t[0]))
    return counts, ranked
