"""Apply one webhook payload to the shop's rows (order-independent: newest version wins)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.orm import Session, scoped_session

from xsight.errors import XSightError
from xsight.models import Customer, Order, Product
from xsight.models.types import utcnow
from xsight.services import locks, rollups
from xsight.services.crm import customer_changes
from xsight.services.crm import facts as crm_facts
from xsight.services.ingest import tombstones, webhook_rows
from xsight.services.ingest.values import gid
from xsight.services.ingest.writer import Writer, link_orders_to_customers, relink_orders

CUSTOMER_TOPICS = frozenset({"customers/create", "customers/update"})
ORDER_TOPICS = frozenset({"orders/create", "orders/updated", "orders/cancelled", "orders/edited",
                          "orders/paid", "orders/fulfilled", "orders/partially_fulfilled"})
PRODUCT_TOPICS = frozenset({"products/create", "products/update"})
DATA_TOPICS = (CUSTOMER_TOPICS | ORDER_TOPICS | PRODUCT_TOPICS
               | {"customers/delete", "orders/delete", "products/delete", "refunds/create"})


class ParentNotYetSynced(XSightError):
    """A refund arrived before its order; retry later (reconciliation also catches it)."""

    retriable = True
    status = 409
    code = "parent_not_synced"


def write_order(writer: Writer, rows: webhook_rows.OrderRows) -> None:
    """Queue an order with its line items and refunds."""
    gid_ = rows.order["shopify_gid"]
    writer.add("orders", rows.order)
    for line in rows.line_items:
        writer.add("order_line_items", line, gid_)
    for refund, lines in rows.refunds:
        writer.add("refunds", refund, gid_)
        for line in lines:
            writer.add("refund_line_items", line, refund["shopify_gid"])


def apply(session: Session | scoped_session[Any], shop_id: int, topic: str, payload: dict[str, Any]) -> str:
    """Apply a data webhook; return what was done (for the delivery record)."""
    # Take the shop's write turn before the first row lock, not only at the rollup refresh: two
    # deliveries of one shop that lock rows first and then wait for the turn deadlock (issue #9 soak).
    locks.shop_rollups(session, shop_id)
    writer = Writer(session, shop_id)
    if topic in CUSTOMER_TOPICS:
        row = webhook_rows.customer(payload)
        if tombstones.is_buried(session, shop_id, row["shopify_gid"]):
            return "ignored"  # a late create or update of a customer Shopify deleted
        before = (customer_changes.snapshot(session, shop_id, row["shopify_gid"])
                  if topic == "customers/update" else None)
        writer.add("customers", row)
        writer.flush()
        if before is not None:
            customer_changes.record_update(session, shop_id, row["shopify_gid"], before)
        link_orders_to_customers(session, shop_id, [row["shopify_gid"]])
    elif topic in ORDER_TOPICS:
        rows = webhook_rows.order(payload)
        if tombstones.is_buried(session, shop_id, rows.order["shopify_gid"]):
            return "ignored"  # a late update of an order Shopify deleted
        write_order(writer, rows)
        writer.flush()
        relink_orders(session, shop_id, [rows.order["shopify_gid"]])
    elif topic in PRODUCT_TOPICS:
        product, variants = webhook_rows.product(payload)
        if tombstones.is_buried(session, shop_id, product["shopify_gid"]):
            return "ignored"  # e.g. products/create delivered after products/delete
        writer.add("products", product)
        for variant in variants:
            writer.add("product_variants", variant, product["shopify_gid"])
        writer.flush()
    elif topic == "refunds/create":
        refund, lines = webhook_rows.refund(payload)
        order_gid = gid("Order", payload.get("order_id"))
        if tombstones.is_buried(session, shop_id, order_gid):
            return "ignored"
        if order_gid is None or not session.query(Order.id).filter_by(
                shop_id=shop_id, shopify_gid=order_gid).first():
            raise ParentNotYetSynced(f"Order {order_gid} of refund {refund['shopify_gid']} "
                                     "is not synced yet.")
        writer.add("refunds", refund, order_gid)
        for line in lines:
            writer.add("refund_line_items", line, refund["shopify_gid"])
        writer.flush()
    elif topic == "orders/delete":
        order_gid = gid("Order", payload["id"])
        if order_gid is not None:
            session.execute(delete(Order).where(Order.shop_id == shop_id,
                                                Order.shopify_gid == order_gid))
            tombstones.bury(session, shop_id, order_gid)
        rollups.refresh(session, shop_id, order_gids=[order_gid] if order_gid else [])
    elif topic == "products/delete":
        product_gid = gid("Product", payload["id"])
        session.execute(update(Product).where(
            Product.shop_id == shop_id, Product.shopify_gid == product_gid)
            .values(deleted_at=utcnow()))
        if product_gid is not None:
            tombstones.bury(session, shop_id, product_gid)
    elif topic == "customers/delete":
        customer_gid = gid("Customer", payload["id"])
        session.execute(update(Customer).where(
            Customer.shop_id == shop_id, Customer.shopify_gid == customer_gid)
            .values(deleted_at=utcnow()))
        if customer_gid is not None:
            tombstones.bury(session, shop_id, customer_gid)
        crm_facts.refresh(session, shop_id, [customer_gid] if customer_gid else [])
    elif topic == "bulk_operations/finish":
        pass  # its arrival wakes the waiting backfill (see services.backfill), nothing to store
    else:
        return "ignored"
    rollups.refresh_written(session, writer)
    return "processed"
