"""Write orders and refunds the way webhooks do (through the Writer), then refresh the rollups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete

from xsight.extensions import db
from xsight.models import Order
from xsight.services import rollups
from xsight.services.ingest.writer import Writer

D = Decimal


def utc(text: str) -> datetime:
    """Parse '2026-02-01T03:00' as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class Line:
    qty: int
    price: str
    discount: str = "0"
    gift: bool = False
    tax: str = "0"


@dataclass
class RefundSpec:
    gid: str
    at: str
    lines: list[tuple[int, int, str, str]] = field(default_factory=list)  # line index, qty, subtotal, tax
    shipping: str = "0"
    shipping_tax: str = "0"
    adjustments: str = "0"


def order_rows(gid: str, at: str, lines: list[Line], *, customer: str | None = None,
               email: str | None = None, cancelled: str | None = None, test: bool = False,
               shipping: str = "0", tax: str = "0", currency: str = "USD",
               updated: str | None = None) -> dict[str, Any]:
    """Return the orders row of one order."""
    return {"shopify_gid": gid, "name": gid, "customer_gid": customer, "email": email,
            "processed_at": utc(at), "shopify_created_at": utc(at),
            "shopify_updated_at": utc(updated or cancelled or at),
            "cancelled_at": utc(cancelled) if cancelled else None, "test": test,
            "currency_code": currency, "total_shipping": D(shipping), "total_tax": D(tax),
            "total_price": sum((D(x.price) * x.qty for x in lines), D(0)) + D(shipping) + D(tax)}


def write_order(shop_id: int, gid: str, at: str, lines: list[Line], refunds: tuple[RefundSpec, ...] = (),
                refresh: bool = True, **kw: Any) -> None:
    """Upsert one order with its lines and refunds, then refresh the rollups it touched."""
    writer = Writer(db.session, shop_id)
    writer.add("orders", order_rows(gid, at, lines, **kw))
    for i, x in enumerate(lines):
        writer.add("order_line_items", {
            "shopify_gid": f"{gid}/L{i}", "title": "t", "quantity": x.qty,
            "original_unit_price": D(x.price), "total_discount": D(x.discount),
            "total_tax": D(x.tax), "is_gift_card": x.gift,
            "shopify_updated_at": utc(kw.get("updated") or at)}, gid)
    for r in refunds:
        writer.add("refunds", {
            "shopify_gid": r.gid, "processed_at": utc(r.at), "shopify_created_at": utc(r.at),
            "shopify_updated_at": utc(r.at), "shipping_refunded": D(r.shipping),
            "shipping_tax_refunded": D(r.shipping_tax), "adjustments": D(r.adjustments)}, gid)
        for j, (index, qty, subtotal, tax) in enumerate(r.lines):
            writer.add("refund_line_items", {
                "shopify_gid": f"{r.gid}/R{j}", "line_item_gid": f"{gid}/L{index}", "quantity": qty,
                "subtotal": D(subtotal), "total_tax": D(tax),
                "is_gift_card": lines[index].gift}, r.gid)
    writer.flush()
    if refresh:
        rollups.refresh_written(db.session, writer)
    db.session.commit()


def delete_order(shop_id: int, gid: str) -> None:
    """Delete an order the way orders/delete does, then refresh."""
    db.session.execute(delete(Order).where(Order.shop_id == shop_id, Order.shopify_gid == gid))
    rollups.refresh(db.session, shop_id, order_gids=[gid])
    db.session.commit()


def seed_shop(shop_id: int, n_customers: int, *, seed: int = 7, end: str = "2026-11-20",
              weeks: float = 104.0) -> int:
    """Write a simulated BG/NBD shop's orders (one product line each) and rebuild its rollups."""
    from datetime import timedelta

    import numpy as np

    from xsight.analytics.simulate import simulate_log

    log = simulate_log(np.random.default_rng(seed), n_customers, r=0.5, alpha=6.0, a=0.8, b=2.5,
                       p=6.0, q=4.0, gamma=15.0, horizon=weeks, acquisition_span=weeks * 0.6)
    start = utc(end + "T12:00") - timedelta(weeks=weeks)
    writer = Writer(db.session, shop_id, batch_size=5_000)
    for cid in sorted(set(log.customer_ids.tolist())):
        writer.add("customers", {"shopify_gid": f"gid://shopify/Customer/{cid}", "first_name": "Ann",
                                 "last_name": f"N{cid}", "email": f"c{cid}@example.com"})
    writer.add("customers", {"shopify_gid": "gid://shopify/Customer/prospect", "first_name": "Pat",
                             "last_name": "P", "email": "p@example.com"})
    for i, (cid, t, amount) in enumerate(zip(log.customer_ids, log.times, log.amounts, strict=True)):
        at = (start + timedelta(weeks=float(t))).isoformat()[:19]
        gid = f"gid://shopify/Order/{i}"
        writer.add("orders", order_rows(gid, at, [], customer=f"gid://shopify/Customer/{cid}"))
        writer.add("order_line_items", {
            "shopify_gid": f"{gid}/L0", "title": "t", "quantity": 1,
            "original_unit_price": D(f"{max(float(amount), 1.0):.2f}"), "total_discount": D(0)}, gid)
    writer.flush()
    from xsight.services.ingest.writer import link_orders_to_customers
    link_orders_to_customers(db.session, shop_id)
    rollups.rebuild(db.session, shop_id)
    db.session.commit()
    return len(log.customer_ids)
