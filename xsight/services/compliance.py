"""Carry out Shopify's mandatory privacy requests and record when each was completed."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import ColumnElement, delete, or_, select, update

from xsight.extensions import db
from xsight.models import (
    ComplianceRequest,
    Customer,
    Order,
    OrderLineItem,
    Refund,
    SegmentMembership,
    Shop,
    WebhookDelivery,
)
from xsight.models.types import utcnow
from xsight.services import locks, rollups
from xsight.services.ingest.values import gid

log = logging.getLogger(__name__)

TOPICS = ("customers/data_request", "customers/redact", "shop/redact")
PERSONAL_FIELDS = ("first_name", "last_name", "email", "phone", "country_code")


def record(shop_id: int, topic: str, webhook_id: str, payload: dict[str, Any]) -> ComplianceRequest:
    """Store a privacy request (without its personal data) for processing."""
    customer = payload.get("customer") or {}
    request = ComplianceRequest(shop_id=shop_id, topic=topic, webhook_id=webhook_id,
                                customer_gid=gid("Customer", customer.get("id")),
                                result={"orders": [gid("Order", o) for o in
                                                   payload.get("orders_to_redact")
                                                   or payload.get("orders_requested") or []]})
    db.session.add(request)
    db.session.commit()
    return request


def process(request_id: int) -> str:
    """Carry out one request; idempotent."""
    request = db.session.get(ComplianceRequest, request_id)
    if request is None:
        return "gone"  # the shop was redacted in the meantime
    if request.status == "completed":
        return "completed"
    order_gids = list((request.result or {}).get("orders") or [])
    if request.topic == "customers/data_request":
        request.result = export_customer(request.shop_id, request.customer_gid, order_gids)
    elif request.topic == "customers/redact":
        redact_customer(request.shop_id, request.customer_gid, order_gids)
        request.result = {"orders": order_gids}
    elif request.topic == "shop/redact":
        shop_id = request.shop_id
        redact_shop(shop_id)
        log.info("shop redacted", extra={"shop_id": shop_id, "completed_at": utcnow().isoformat()})
        return "completed"
    request.status, request.completed_at = "completed", utcnow()
    db.session.commit()
    log.info("privacy request completed", extra={"topic": request.topic, "request_id": request.id,
                                                 "completed_at": request.completed_at.isoformat()})
    return "completed"


def _customer(shop_id: int, customer_gid: str | None) -> Customer | None:
    if customer_gid is None:
        return None
    return db.session.scalars(select(Customer).where(
        Customer.shop_id == shop_id, Customer.shopify_gid == customer_gid)).one_or_none()


def _orders(shop_id: int, customer: Customer | None, order_gids: list[str]) -> list[Order]:
    conditions: list[ColumnElement[bool]] = [Order.shopify_gid.in_(order_gids)] if order_gids else []
    if customer is not None:
        # By gid too, linked or not: an order moved to another customer before decision 084 may still
        # carry its old customer_id. Rare requests: a walk of the shop's orders is acceptable.
        conditions += [Order.customer_id == customer.id, Order.customer_gid == customer.shopify_gid]
    if not conditions:
        return []
    return list(db.session.scalars(select(Order).where(Order.shop_id == shop_id, or_(*conditions))))


def export_customer(shop_id: int, customer_gid: str | None, order_gids: list[str]) -> dict[str, Any]:
    """Return everything XSight stores about one customer, as JSON-ready data."""
    customer = _customer(shop_id, customer_gid)
    orders = _orders(shop_id, customer, order_gids)
    data: dict[str, Any] = {"customer": None, "orders": [], "segments": []}
    if customer is not None:
        data["customer"] = {c: _plain(getattr(customer, c)) for c in (
            "shopify_gid", *PERSONAL_FIELDS, "tags", "state", "email_marketing_state",
            "amount_spent", "number_of_orders", "shopify_created_at", "shopify_updated_at")}
        data["segments"] = [m.segment_id for m in db.session.scalars(select(SegmentMembership)
                            .where(SegmentMembership.customer_id == customer.id))]
    for order in orders:
        lines = db.session.scalars(select(OrderLineItem).where(OrderLineItem.order_id == order.id))
        refunds = db.session.scalars(select(Refund).where(Refund.order_id == order.id))
        data["orders"].append({
            **{c: _plain(getattr(order, c)) for c in ("shopify_gid", "name", "email",
                                                      "processed_at", "total_price",
                                                      "currency_code", "cancelled_at")},
            "line_items": [{"title": li.title, "quantity": li.quantity,
                            "price": str(li.original_unit_price)} for li in lines],
            "refunds": [{"processed_at": _plain(r.processed_at),
                         "total": str(r.total_refunded)} for r in refunds],
        })
    return data


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value) if value is not None and not isinstance(value, (int, list, str)) else value


def redact_customer(shop_id: int, customer_gid: str | None, order_gids: list[str]) -> None:
    """Erase a customer's personal data everywhere, keeping anonymous rows for aggregates."""
    locks.shop_rollups(db.session, shop_id)  # the shop's write turn before any row lock (decision 075)
    customer = _customer(shop_id, customer_gid)
    orders = _orders(shop_id, customer, order_gids)
    needles: list[str] = []
    if customer is not None:
        needles = [v for v in (customer.email, customer.phone, customer.shopify_gid,
                               customer.shopify_gid.rsplit("/", 1)[-1]) if v]
        for field in PERSONAL_FIELDS:
            setattr(customer, field, None)
        customer.tags, customer.redacted_at = [], utcnow()
    for order in orders:
        if order.email:
            needles.append(order.email)
        order.email = None
    db.session.flush()
    # Rollups key guest orders by email: recompute them now that the email is gone.
    rollups.refresh(db.session, shop_id, order_gids=[o.shopify_gid for o in orders],
                    customer_gids=[customer_gid] if customer_gid else [])
    if needles:  # raw payloads that mention the customer go too
        db.session.execute(update(WebhookDelivery).where(
            WebhookDelivery.shop_id == shop_id,
            or_(*[WebhookDelivery.payload.contains(n) for n in set(needles)]))
            .values(payload=None))
        db.session.execute(update(ComplianceRequest).where(
            ComplianceRequest.shop_id == shop_id, ComplianceRequest.customer_gid == customer_gid,
            ComplianceRequest.topic == "customers/data_request")
            .values(result={"redacted": True}))
    db.session.flush()


def redact_shop(shop_id: int) -> None:
    """Delete the shop and every row it owns (foreign-key cascades and models.raw_links triggers)."""
    db.session.execute(delete(Shop).where(Shop.id == shop_id))
    db.session.commit()
