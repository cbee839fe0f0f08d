"""Map REST-shaped webhook payloads (orders/*, customers/*, products/*, refunds/*) to rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xsight.services.ingest.values import gid, lower, money, money_sum, tags, timestamp

Row = dict[str, Any]


@dataclass
class OrderRows:
    """An order with its line items and refunds (each refund with its line items)."""

    order: Row
    line_items: list[Row] = field(default_factory=list)
    refunds: list[tuple[Row, list[Row]]] = field(default_factory=list)


def _shop_money(payload: dict[str, Any], key: str, fallback: str | None = None) -> Any:
    value = payload.get(key)
    if value is None and fallback is not None:
        return money(payload.get(fallback))
    return money(value)


def customer(p: dict[str, Any]) -> Row:
    """Return a customers row from a customers/* payload."""
    address = p.get("default_address") or {}
    consent = p.get("email_marketing_consent") or {}
    count = p.get("orders_count")
    return {
        "shopify_gid": p.get("admin_graphql_api_id") or gid("Customer", p["id"]),
        "first_name": p.get("first_name"),
        "last_name": p.get("last_name"),
        "email": p.get("email"),
        "email_marketing_state": lower(consent.get("state")),
        "phone": p.get("phone"),
        "country_code": address.get("country_code"),
        "tags": tags(p.get("tags")),
        "state": lower(p.get("state")),
        "amount_spent": money(p["total_spent"]) if p.get("total_spent") is not None else None,
        "amount_spent_currency": p.get("currency"),
        "number_of_orders": int(count) if count is not None else None,
        "shopify_created_at": timestamp(p.get("created_at")),
        "shopify_updated_at": timestamp(p.get("updated_at")),
    }


def line_item(p: dict[str, Any], updated_at: Any) -> Row:
    """Return an order_line_items row from a REST line item."""
    return {
        "shopify_gid": p.get("admin_graphql_api_id") or gid("LineItem", p["id"]),
        "product_gid": gid("Product", p.get("product_id")),
        "variant_gid": gid("ProductVariant", p.get("variant_id")),
        "title": p.get("title") or p.get("name") or "",
        "sku": p.get("sku"),
        "quantity": int(p.get("quantity") or 0),
        "current_quantity": p.get("current_quantity"),
        "original_unit_price": _shop_money(p, "price_set", "price"),
        "total_discount": money_sum(p.get("discount_allocations") or [], "amount_set"),
        "total_tax": money_sum(p.get("tax_lines") or [], "price_set"),
        "is_gift_card": bool(p.get("gift_card")),
        "shopify_updated_at": timestamp(updated_at),
    }


def refund(p: dict[str, Any]) -> tuple[Row, list[Row]]:
    """Return a refunds row and its refund line items from a REST refund."""
    refund_gid = p.get("admin_graphql_api_id") or gid("Refund", p["id"])
    shipping = p.get("refund_shipping_lines") or []
    adjustments = p.get("order_adjustments") or []
    row = {
        "shopify_gid": refund_gid,
        "processed_at": timestamp(p.get("processed_at") or p.get("created_at")),
        "shopify_created_at": timestamp(p.get("created_at")),
        "shopify_updated_at": timestamp(p.get("processed_at") or p.get("created_at")),
        "note": p.get("note"),
        "total_refunded": money_sum(p.get("transactions") or [], "amount"),
        "shipping_refunded": money_sum(shipping, "subtotal_amount_set"),
        "shipping_tax_refunded": money_sum(shipping, "tax_amount_set"),
        "adjustments": money_sum(adjustments, "amount_set"),
        "adjustments_tax": money_sum(adjustments, "tax_amount_set"),
    }
    lines = []
    for item in p.get("refund_line_items") or []:
        line = item.get("line_item") or {}
        line_gid = line.get("admin_graphql_api_id") or gid("LineItem", item.get("line_item_id"))
        lines.append({
            "shopify_gid": item.get("admin_graphql_api_id") or gid("RefundLineItem", item["id"]),
            "line_item_gid": line_gid,
            "quantity": int(item.get("quantity") or 0),
            "subtotal": _shop_money(item, "subtotal_set", "subtotal"),
            "total_tax": _shop_money(item, "total_tax_set", "total_tax"),
            "restock_type": lower(item.get("restock_type")),
            "is_gift_card": bool(line.get("gift_card")),
        })
    return row, lines


def order(p: dict[str, Any]) -> OrderRows:
    """Return an order, its line items and refunds from an orders/* payload."""
    customer_ref = p.get("customer") or {}
    updated = p.get("updated_at")
    row = {
        "shopify_gid": p.get("admin_graphql_api_id") or gid("Order", p["id"]),
        "name": p.get("name"),
        "customer_gid": customer_ref.get("admin_graphql_api_id") or gid("Customer", customer_ref.get("id")),
        "email": p.get("email") or p.get("contact_email"),
        "processed_at": timestamp(p.get("processed_at") or p.get("created_at")),
        "shopify_created_at": timestamp(p.get("created_at")),
        "shopify_updated_at": timestamp(updated),
        "cancelled_at": timestamp(p.get("cancelled_at")),
        "cancel_reason": lower(p.get("cancel_reason")),
        "closed_at": timestamp(p.get("closed_at")),
        "test": bool(p.get("test")),
        "currency_code": p.get("currency") or "USD",
        "presentment_currency_code": p.get("presentment_currency"),
        "financial_status": lower(p.get("financial_status")),
        "fulfillment_status": lower(p.get("fulfillment_status")),
        "source_name": p.get("source_name"),
        "tags": tags(p.get("tags")),
        "subtotal": _shop_money(p, "subtotal_price_set", "subtotal_price"),
        "total_discounts": _shop_money(p, "total_discounts_set", "total_discounts"),
        "total_shipping": _shop_money(p, "total_shipping_price_set"),
        "total_tax": _shop_money(p, "total_tax_set", "total_tax"),
        "total_price": _shop_money(p, "total_price_set", "total_price"),
        "total_refunded": sum((refund(r)[0]["total_refunded"] for r in p.get("refunds") or []),
                              money(0)),
        "taxes_included": bool(p.get("taxes_included")),
    }
    return OrderRows(order=row,
                     line_items=[line_item(li, updated) for li in p.get("line_items") or []],
                     refunds=[refund(r) for r in p.get("refunds") or []])


def product(p: dict[str, Any]) -> tuple[Row, list[Row]]:
    """Return a products row and its variants from a products/* payload."""
    updated = p.get("updated_at")
    row = {
        "shopify_gid": p.get("admin_graphql_api_id") or gid("Product", p["id"]),
        "title": p.get("title") or "",
        "handle": p.get("handle"),
        "vendor": p.get("vendor"),
        "product_type": p.get("product_type"),
        "status": lower(p.get("status")),
        "tags": tags(p.get("tags")),
        "shopify_created_at": timestamp(p.get("created_at")),
        "shopify_updated_at": timestamp(updated),
    }
    variants = [{
        "shopify_gid": v.get("admin_graphql_api_id") or gid("ProductVariant", v["id"]),
        "title": v.get("title"),
        "sku": v.get("sku"),
        "price": money(v["price"]) if v.get("price") is not None else None,
        "shopify_updated_at": timestamp(v.get("updated_at") or updated),
    } for v in p.get("variants") or []]
    return row, variants
