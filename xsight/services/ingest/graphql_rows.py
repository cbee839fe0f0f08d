"""Map Admin GraphQL nodes (bulk JSONL lines or paginated nodes) to table rows."""

from __future__ import annotations

from typing import Any

from xsight.services.ingest.values import (
    ZERO,
    lower,
    money,
    money_sum,
    nested_id,
    nodes,
    tags,
    timestamp,
)

Row = dict[str, Any]


def customer(node: dict[str, Any]) -> Row:
    """Return a customers row from a Customer node."""
    email = node.get("defaultEmailAddress") or {}
    phone = node.get("defaultPhoneNumber") or {}
    address = node.get("defaultAddress") or {}
    spent = node.get("amountSpent") or {}
    count = node.get("numberOfOrders")
    return {
        "shopify_gid": node["id"],
        "first_name": node.get("firstName"),
        "last_name": node.get("lastName"),
        "email": email.get("emailAddress"),
        "email_marketing_state": lower(email.get("marketingState")),
        "phone": phone.get("phoneNumber"),
        "country_code": address.get("countryCodeV2"),
        "tags": tags(node.get("tags")),
        "state": lower(node.get("state")),
        "amount_spent": money(spent.get("amount")) if spent else None,
        "amount_spent_currency": spent.get("currencyCode"),
        "number_of_orders": int(count) if count is not None else None,
        "shopify_created_at": timestamp(node.get("createdAt")),
        "shopify_updated_at": timestamp(node.get("updatedAt")),
    }


def order(node: dict[str, Any]) -> Row:
    """Return an orders row from an Order node."""
    return {
        "shopify_gid": node["id"],
        "name": node.get("name"),
        "customer_gid": nested_id(node.get("customer")),
        "email": node.get("email"),
        "processed_at": timestamp(node.get("processedAt") or node.get("createdAt")),
        "shopify_created_at": timestamp(node.get("createdAt")),
        "shopify_updated_at": timestamp(node.get("updatedAt")),
        "cancelled_at": timestamp(node.get("cancelledAt")),
        "cancel_reason": lower(node.get("cancelReason")),
        "closed_at": timestamp(node.get("closedAt")),
        "test": bool(node.get("test")),
        "currency_code": node.get("currencyCode") or "USD",
        "presentment_currency_code": node.get("presentmentCurrencyCode"),
        "financial_status": lower(node.get("displayFinancialStatus")),
        "fulfillment_status": lower(node.get("displayFulfillmentStatus")),
        "source_name": node.get("sourceName"),
        "tags": tags(node.get("tags")),
        "subtotal": money(node.get("subtotalPriceSet")),
        "total_discounts": money(node.get("totalDiscountsSet")),
        "total_shipping": money(node.get("totalShippingPriceSet")),
        "total_tax": money(node.get("totalTaxSet")),
        "total_price": money(node.get("totalPriceSet")),
        "total_refunded": money(node.get("totalRefundedSet")),
        "taxes_included": bool(node.get("taxesIncluded")),
    }


def line_item(node: dict[str, Any], order_updated_at: Any = None) -> Row:
    """Return an order_line_items row from a LineItem node."""
    return {
        "shopify_gid": node["id"],
        "product_gid": nested_id(node.get("product")),
        "variant_gid": nested_id(node.get("variant")),
        "title": node.get("title") or node.get("name") or "",
        "sku": node.get("sku"),
        "quantity": int(node.get("quantity") or 0),
        "current_quantity": node.get("currentQuantity"),
        "original_unit_price": money(node.get("originalUnitPriceSet")),
        "total_discount": money_sum(node.get("discountAllocations") or [], "allocatedAmountSet"),
        "total_tax": money_sum(node.get("taxLines") or [], "priceSet"),
        "is_gift_card": bool(node.get("isGiftCard")),
        "shopify_updated_at": timestamp(order_updated_at),
    }


def refund(node: dict[str, Any]) -> Row:
    """Return a refunds row from a Refund node (shipping and adjustments summed in)."""
    shipping = nodes(node.get("refundShippingLines"))
    adjustments = nodes(node.get("orderAdjustments"))
    return {
        "shopify_gid": node["id"],
        "processed_at": timestamp(node.get("processedAt") or node.get("createdAt")),
        "shopify_created_at": timestamp(node.get("createdAt")),
        "shopify_updated_at": timestamp(node.get("updatedAt") or node.get("createdAt")),
        "note": node.get("note"),
        "total_refunded": money(node.get("totalRefundedSet")),
        "shipping_refunded": money_sum(shipping, "subtotalAmountSet"),
        "shipping_tax_refunded": money_sum(shipping, "taxAmountSet"),
        "adjustments": money_sum(adjustments, "amountSet"),
        "adjustments_tax": money_sum(adjustments, "taxAmountSet"),
    }


def refund_line_item(node: dict[str, Any], refund_gid: str) -> Row:
    """Return a refund_line_items row from a RefundLineItem node."""
    line = node.get("lineItem") or {}
    line_gid = line.get("id")
    return {
        "shopify_gid": node.get("id") or f"{refund_gid}/line/{line_gid}",
        "line_item_gid": line_gid,
        "quantity": int(node.get("quantity") or 0),
        "subtotal": money(node.get("subtotalSet")) if node.get("subtotalSet") else ZERO,
        "total_tax": money(node.get("totalTaxSet")) if node.get("totalTaxSet") else ZERO,
        "restock_type": lower(node.get("restockType")),
        "is_gift_card": bool(line.get("isGiftCard")),
    }


def product(node: dict[str, Any]) -> Row:
    """Return a products row from a Product node."""
    return {
        "shopify_gid": node["id"],
        "title": node.get("title") or "",
        "handle": node.get("handle"),
        "vendor": node.get("vendor"),
        "product_type": node.get("productType"),
        "status": lower(node.get("status")),
        "tags": tags(node.get("tags")),
        "shopify_created_at": timestamp(node.get("createdAt")),
        "shopify_updated_at": timestamp(node.get("updatedAt")),
    }


def variant(node: dict[str, Any], product_updated_at: Any = None) -> Row:
    """Return a product_variants row from a ProductVariant node."""
    return {
        "shopify_gid": node["id"],
        "title": node.get("title"),
        "sku": node.get("sku"),
        "price": money(node.get("price")) if node.get("price") is not None else None,
        "shopify_updated_at": timestamp(node.get("updatedAt") or product_updated_at),
    }
