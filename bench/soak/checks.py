"""Compare the app's database with the store's, per shop: counts, money sums, deliveries, backlog."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from xsight.extensions import db
from xsight.models import (
    Customer,
    Order,
    OrderLineItem,
    Product,
    ProductVariant,
    Refund,
    RefundLineItem,
    Shop,
    SyncRun,
    WebhookDelivery,
)

CENT = Decimal("0.01")
APPLIED = ("processed", "ignored")
PENDING = ("received", "retrying")
ORDER_MONEY = (("subtotal", "subtotal"), ("total_discounts", "discounts"), ("total_shipping", "shipping"),
               ("total_tax", "tax"), ("total_price", "total"), ("total_refunded", "refunded"))


def store_totals(storage: Any, shop: str) -> dict[str, str]:
    """Sum the store's own documents (integer cents) under the app's table.column names."""
    sums: Counter[str] = Counter()
    for (text,) in storage.query("SELECT doc FROM orders WHERE shop=?", (shop,)):
        doc = json.loads(text)
        sums["orders"] += 1
        for column, key in ORDER_MONEY:
            sums[f"orders.{column}"] += doc[key]
        for line in doc["lines"]:
            sums["order_line_items"] += 1
            sums["order_line_items.quantity#"] += line["q"]
            sums["order_line_items.original_unit_price"] += line["price"]
            sums["order_line_items.total_discount"] += line["disc"]
            sums["order_line_items.total_tax"] += line["tax"]
        for refund in doc["refunds"]:
            sums["refunds"] += 1
            sums["refunds.total_refunded"] += refund["total"]
            for line in refund["lines"]:
                sums["refund_line_items"] += 1
                sums["refund_line_items.quantity#"] += line["q"]
                sums["refund_line_items.subtotal"] += line["sub"]
                sums["refund_line_items.total_tax"] += line["tax"]
    for (text,) in storage.query("SELECT doc FROM customers WHERE shop=?", (shop,)):
        doc = json.loads(text)
        sums["customers"] += 1
        sums["customers.amount_spent"] += doc["amountSpent"]
        sums["customers.number_of_orders#"] += doc["numberOfOrders"]
    for (text,) in storage.query("SELECT doc FROM products WHERE shop=?", (shop,)):
        doc = json.loads(text)
        sums["products"] += 1
        for variant in doc["variants"]:
            sums["product_variants"] += 1
            sums["product_variants.price"] += variant["price"]
    return {k: _fmt(k, v) for k, v in sorted(sums.items())}


def _fmt(key: str, value: Any) -> str:
    if "." in key and not key.endswith("#"):
        return f"{Decimal(value) * CENT:.2f}"
    return str(int(value))


def app_totals(shop_id: int) -> dict[str, str]:
    """Sum the same columns from the app's tables for one shop (soft-deleted rows excluded)."""
    def one(*columns: Any, where: Any = None, join: Any = None) -> Any:
        stmt = select(*columns)
        if join is not None:
            stmt = stmt.join(*join)
        return db.session.execute(stmt.where(*where)).one()

    out: dict[str, Any] = {}
    o = one(func.count(), *(func.coalesce(func.sum(getattr(Order, c)), 0) for c, _ in ORDER_MONEY),
            where=[Order.shop_id == shop_id])
    out["orders"] = o[0]
    out.update({f"orders.{c}": o[i + 1] for i, (c, _) in enumerate(ORDER_MONEY)})
    li = one(func.count(), func.coalesce(func.sum(OrderLineItem.quantity), 0),
             *(func.coalesce(func.sum(getattr(OrderLineItem, c)), 0)
               for c in ("original_unit_price", "total_discount", "total_tax")),
             where=[OrderLineItem.shop_id == shop_id])
    out.update({"order_line_items": li[0], "order_line_items.quantity#": li[1],
                "order_line_items.original_unit_price": li[2], "order_line_items.total_discount": li[3],
                "order_line_items.total_tax": li[4]})
    r = one(func.count(), func.coalesce(func.sum(Refund.total_refunded), 0),
            where=[Refund.shop_id == shop_id])
    out.update({"refunds": r[0], "refunds.total_refunded": r[1]})
    rl = one(func.count(), func.coalesce(func.sum(RefundLineItem.quantity), 0),
             func.coalesce(func.sum(RefundLineItem.subtotal), 0),
             func.coalesce(func.sum(RefundLineItem.total_tax), 0), where=[RefundLineItem.shop_id == shop_id])
    out.update({"refund_line_items": rl[0], "refund_line_items.quantity#": rl[1],
                "refund_line_items.subtotal": rl[2], "refund_line_items.total_tax": rl[3]})
    c = one(func.count(), func.coalesce(func.sum(Customer.amount_spent), 0),
            func.coalesce(func.sum(Customer.number_of_orders), 0),
            where=[Customer.shop_id == shop_id, Customer.deleted_at.is_(None)])
    out.update({"customers": c[0], "customers.amount_spent": c[1], "customers.number_of_orders#": c[2]})
    p = one(func.count(), where=[Product.shop_id == shop_id, Product.deleted_at.is_(None)])
    v = one(func.count(), func.coalesce(func.sum(ProductVariant.price), 0),
            join=(Product, Product.id == ProductVariant.product_id),
            where=[ProductVariant.shop_id == shop_id, Product.deleted_at.is_(None)])
    out.update({"products": p[0], "product_variants": v[0], "product_variants.price": v[1]})
    return {k: (f"{Decimal(v):.2f}" if "." in k and not k.endswith("#") else str(int(v)))
            for k, v in sorted(out.items())}


def compare(store: dict[str, str], app: dict[str, str]) -> dict[str, dict[str, str]]:
    """Return {key: {store, app}} for every key whose values differ."""
    def value(side: dict[str, str], key: str) -> str:
        return side.get(key, _fmt(key, 0))  # no rows left: a sum of nothing

    return {k: {"store": value(store, k), "app": value(app, k)}
            for k in sorted(set(store) | set(app)) if value(store, k) != value(app, k)}


def delivery_check(shop_ids: dict[str, int], log: list[dict[str, Any]]) -> dict[str, Any]:
    """Check every delivery the store sent against the app's webhook_deliveries, per shop."""
    rows = db.session.execute(select(WebhookDelivery.shop_id, WebhookDelivery.webhook_id,
                                     WebhookDelivery.status)).all()
    app_status = {(r.shop_id, r.webhook_id): r.status for r in rows}
    outcomes: Counter[str] = Counter(d["outcome"] for d in log)
    attempts = Counter(str(len(d["statuses"])) for d in log)
    delivered = {(shop_ids[d["shop"]], d["webhook_id"]) for d in log if d["outcome"] == "delivered"}
    given_up = {(shop_ids[d["shop"]], d["webhook_id"]) for d in log if d["outcome"] != "delivered"}
    retried = {(shop_ids[d["shop"]], d["webhook_id"]) for d in log
               if d["outcome"] == "delivered" and len(d["statuses"]) > 1}
    missing = sorted(k[1] for k in delivered if k not in app_status)
    not_applied = sorted(f"{k[1]}:{app_status[k]}" for k in delivered
                         if k in app_status and app_status[k] not in APPLIED)
    unknown = sorted(k[1] for k in app_status if k not in delivered | given_up)
    return {"store_outcomes": dict(outcomes), "attempts_histogram": dict(sorted(attempts.items())),
            "distinct_delivered": len(delivered), "duplicate_sends": len(log) - len(delivered | given_up),
            "retried_then_delivered": len(retried),
            "retried_then_applied": sum(1 for k in retried if app_status.get(k) in APPLIED),
            "app_statuses": dict(Counter(app_status.values())), "given_up_by_store": len(given_up),
            "missing_in_app": missing[:20], "missing_count": len(missing),
            "not_applied": not_applied[:20], "not_applied_count": len(not_applied),
            "unknown_in_app": unknown[:20]}


def backlog_check(pending: int, scheduled: int) -> dict[str, Any]:
    """Report what is still waiting: queue, active sync runs, unapplied deliveries."""
    active = db.session.execute(select(SyncRun.shop_id, SyncRun.id, SyncRun.kind, SyncRun.status)
                                .where(SyncRun.status.in_(("queued", "running")))).all()
    oldest = db.session.scalar(select(func.min(WebhookDelivery.received_at))
                               .where(WebhookDelivery.status.in_(PENDING)))
    waiting = db.session.scalar(select(func.count()).select_from(WebhookDelivery)
                                .where(WebhookDelivery.status.in_(PENDING)))
    runs = db.session.execute(select(SyncRun.kind, SyncRun.status, func.count())
                              .group_by(SyncRun.kind, SyncRun.status)).all()
    return {"queue_pending": pending, "queue_scheduled": scheduled,
            "active_sync_runs": [f"{r.id}:{r.kind}:{r.status}" for r in active],
            "pending_deliveries": int(waiting or 0),
            "oldest_pending_received_at": oldest.isoformat() if oldest else None,
            "sync_runs": {f"{k}:{s}": n for k, s, n in runs}}


def shop_ids() -> dict[str, int]:
    """Return {domain: id} of the app's shops."""
    return {d: i for d, i in db.session.execute(select(Shop.domain, Shop.id)).all()}
