"""The orders list (filters in shop-local days, keyset pages) and one order with its lines and refunds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select

from xsight.errors import BadRequest, NotFound
from xsight.extensions import db
from xsight.models import Customer, Order, OrderLineItem, Refund, RefundLineItem, Shop
from xsight.services.crm import keyset
from xsight.services.crm.customer_list import amount, full_name, timestamp

SORT_KINDS = {"processed_at": "datetime", "total_price": "int", "name": "str"}


@dataclass(frozen=True)
class OrderFilters:
    """Validated filters of `GET /orders` (None or empty = not filtered)."""

    start: date | None = None
    end: date | None = None
    financial_status: tuple[str, ...] = ()
    fulfillment_status: tuple[str, ...] = ()
    min_total: Decimal | None = None
    max_total: Decimal | None = None
    customer_id: int | None = None


def local_midnight(day: date, zone: str) -> datetime:
    """Return the UTC instant at which the shop-local `day` begins."""
    return datetime.combine(day, time(0), ZoneInfo(zone or "UTC")).astimezone(UTC)


def conditions(shop: Shop, f: OrderFilters) -> list[ColumnElement[bool]]:
    """Return the SQL conditions for the filters; dates are whole shop-local days, inclusive."""
    found: list[ColumnElement[bool]] = [Order.shop_id == shop.id]
    if f.start is not None:
        found.append(Order.processed_at >= local_midnight(f.start, shop.iana_timezone))
    if f.end is not None:
        found.append(Order.processed_at < local_midnight(f.end + timedelta(days=1), shop.iana_timezone))
    if f.financial_status:
        found.append(Order.financial_status.in_(f.financial_status))
    if f.fulfillment_status:
        found.append(Order.fulfillment_status.in_(f.fulfillment_status))
    if f.min_total is not None:
        found.append(Order.total_price >= f.min_total)
    if f.max_total is not None:
        found.append(Order.total_price <= f.max_total)
    if f.customer_id is not None:
        found.append(Order.customer_id == f.customer_id)
    return found


def _sort_key(sort: str) -> keyset.SortKey:
    if sort not in SORT_KINDS:
        raise BadRequest(f"sort must be one of {', '.join(SORT_KINDS)}; got {sort!r}.")
    column = {"processed_at": Order.processed_at, "total_price": Order.total_price,
              "name": Order.name}[sort].expression
    # processed_at and total_price are NOT NULL: no NULLS LAST, so (shop_id, processed_at) serves the sort.
    return keyset.SortKey(column, SORT_KINDS[sort], Order.id.expression, nullable=sort == "name")


def page(shop: Shop, f: OrderFilters, *, sort: str, direction: str, limit: int,
         after: str | None) -> dict[str, Any]:
    """Return one page of order rows, the total of matches and the next cursor."""
    key = _sort_key(sort)
    where = conditions(shop, f)
    total = db.session.scalar(select(func.count()).select_from(Order).where(*where))
    query = select(Order).where(*where)
    if after:
        value, row_id = keyset.decode(after, sort, direction, key.kind)
        if sort == "total_price" and value is not None:
            value = Decimal(value).scaleb(-4)  # the cursor carries stored units
        query = query.where(keyset.after(key, direction, value, row_id))
    orders = list(db.session.scalars(query.order_by(*keyset.order_by(key, direction)).limit(limit + 1)))
    more, orders = len(orders) > limit, orders[:limit]
    next_cursor = None
    if more and orders:
        last = orders[-1]
        value = {"processed_at": last.processed_at, "name": last.name,
                 "total_price": int(last.total_price.scaleb(4))}[sort]
        next_cursor = keyset.encode(sort, direction, key.kind, value, last.id)
    return {"orders": order_rows(shop.id, orders), "total": int(total or 0),
            "next_cursor": next_cursor, "currency": shop.currency}


def order_rows(shop_id: int, orders: list[Order]) -> list[dict[str, Any]]:
    """Return the contract's order rows, with customer names and line item counts in two queries."""
    ids = [o.id for o in orders]
    lines = dict(db.session.execute(
        select(OrderLineItem.order_id, func.count()).where(
            OrderLineItem.shop_id == shop_id, OrderLineItem.order_id.in_(ids))
        .group_by(OrderLineItem.order_id)).all()) if ids else {}
    customer_ids = {o.customer_id for o in orders if o.customer_id is not None}
    people = {c.id: c for c in db.session.execute(select(
        Customer.id, Customer.first_name, Customer.last_name).where(
        Customer.shop_id == shop_id, Customer.id.in_(customer_ids))).all()} if customer_ids else {}
    rows = []
    for o in orders:
        person = people.get(o.customer_id) if o.customer_id is not None else None
        rows.append({
            "id": o.id, "gid": o.shopify_gid, "name": o.name, "processed_at": timestamp(o.processed_at),
            "customer": ({"id": person.id, "name": full_name(person.first_name, person.last_name)}
                         if person is not None else None),
            "financial_status": o.financial_status, "fulfillment_status": o.fulfillment_status,
            "cancelled_at": timestamp(o.cancelled_at), "total_price": amount(o.total_price),
            "total_refunded": amount(o.total_refunded), "currency_code": o.currency_code,
            "line_item_count": int(lines.get(o.id, 0))})
    return rows


def detail(shop: Shop, order_id: int) -> dict[str, Any]:
    """Return one order of the shop with its line items and refunds; another shop's order is a 404."""
    order = db.session.scalars(select(Order).where(Order.shop_id == shop.id,
                                                   Order.id == order_id)).one_or_none()
    if order is None:
        raise NotFound(f"Order {order_id} does not exist in this shop.")
    row = order_rows(shop.id, [order])[0]
    lines = db.session.scalars(select(OrderLineItem).where(
        OrderLineItem.shop_id == shop.id, OrderLineItem.order_id == order.id).order_by(OrderLineItem.id))
    refunds = list(db.session.scalars(select(Refund).where(
        Refund.shop_id == shop.id, Refund.order_id == order.id).order_by(Refund.processed_at, Refund.id)))
    refund_lines: dict[int, list[RefundLineItem]] = {}
    if refunds:
        for item in db.session.scalars(select(RefundLineItem).where(
                RefundLineItem.shop_id == shop.id,
                RefundLineItem.refund_id.in_([r.id for r in refunds])).order_by(RefundLineItem.id)):
            refund_lines.setdefault(item.refund_id, []).append(item)
    row.update({
        "subtotal": amount(order.subtotal), "total_discounts": amount(order.total_discounts),
        "total_shipping": amount(order.total_shipping), "total_tax": amount(order.total_tax),
        "tags": list(order.tags or []),
        "line_items": [{"title": li.title, "sku": li.sku, "quantity": li.quantity,
                        "original_unit_price": amount(li.original_unit_price),
                        "total_discount": amount(li.total_discount), "product_gid": li.product_gid,
                        "variant_gid": li.variant_gid} for li in lines],
        "refunds": [{"processed_at": timestamp(r.processed_at), "note": r.note,
                     "total_refunded": amount(r.total_refunded),
                     "line_items": [{"line_item_gid": x.line_item_gid, "quantity": x.quantity,
                                     "subtotal": amount(x.subtotal)} for x in refund_lines.get(r.id, [])]}
                    for r in refunds]})
    return {"order": row, "currency": shop.currency}
