"""Build REST-shaped order and refund webhook payloads (snake_case, numeric ids) like Shopify's samples."""

from __future__ import annotations

from typing import Any

from .payloads_catalog import customer_payload
from .values import cents_str, convert_cents, gid, rest_ts


def _set(order: dict[str, Any], cents: int) -> dict[str, Any]:
    return {
        "shop_money": {"amount": cents_str(cents), "currency_code": order["currency"]},
        "presentment_money": {
            "amount": cents_str(convert_cents(cents, order["rate"])),
            "currency_code": order["pCurrency"],
        },
    }


def _line(o: dict[str, Any], li: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": li["id"],
        "admin_graphql_api_id": gid("LineItem", li["id"]),
        "current_quantity": li["cq"],
        "fulfillable_quantity": 0 if o["fulfillment"] == "FULFILLED" else li["cq"],
        "fulfillment_service": "manual",
        "fulfillment_status": "fulfilled" if o["fulfillment"] == "FULFILLED" else None,
        "gift_card": li["gift"],
        "grams": 100,
        "name": f"{li['title']} - {li['variantTitle']}",
        "price": cents_str(li["price"]),
        "price_set": _set(o, li["price"]),
        "product_exists": True,
        "product_id": li["productId"],
        "properties": [],
        "quantity": li["q"],
        "requires_shipping": not li["gift"],
        "sku": li["sku"],
        "taxable": not li["gift"],
        "title": li["title"],
        "total_discount": cents_str(li["disc"]),
        "total_discount_set": _set(o, li["disc"]),
        "variant_id": li["variantId"],
        "variant_title": li["variantTitle"],
        "vendor": None,
        "duties": [],
        "tax_lines": [
            {
                "title": li["taxTitle"],
                "rate": float(li["taxRate"]),
                "price": cents_str(li["tax"]),
                "price_set": _set(o, li["tax"]),
                "channel_liable": False,
            }
        ]
        if li.get("taxRate")
        else [],
        "discount_allocations": [
            {
                "amount": cents_str(li["disc"]),
                "amount_set": _set(o, li["disc"]),
                "discount_application_index": 0,
            }
        ]
        if li["disc"]
        else [],
    }


def refund_payload(o: dict[str, Any], r: dict[str, Any]) -> dict[str, Any]:
    """Return the refunds/create payload for one refund of an order."""
    lines = {li["id"]: li for li in o["lines"]}
    return {
        "id": r["id"],
        "order_id": o["id"],
        "created_at": rest_ts(r["createdAt"]),
        "note": r["note"],
        "user_id": None,
        "processed_at": rest_ts(r["processedAt"]),
        "restock": any(x["restock"] != "NO_RESTOCK" for x in r["lines"]),
        "duties": [],
        "total_duties_set": _set(o, 0),
        "return": None,
        "additional_fees": [],
        "admin_graphql_api_id": gid("Refund", r["id"]),
        "refund_line_items": [
            {
                "id": x["id"],
                "quantity": x["q"],
                "line_item_id": x["lineId"],
                "location_id": None,
                "restock_type": x["restock"].lower(),
                "subtotal": cents_str(x["sub"]),
                "subtotal_set": _set(o, x["sub"]),
                "total_tax": cents_str(x["tax"]),
                "total_tax_set": _set(o, x["tax"]),
                "line_item": _line(o, lines[x["lineId"]]),
            }
            for x in r["lines"]
        ],
        "refund_shipping_lines": [
            {
                "id": s["id"],
                "shipping_line_id": s["shippingLineId"],
                "subtotal_amount_set": _set(o, s["sub"]),
                "tax_amount_set": _set(o, s["tax"]),
            }
            for s in r["ship"]
        ],
        "transactions": [
            {
                "id": r["id"],
                "order_id": o["id"],
                "kind": "refund",
                "gateway": "bogus",
                "status": "success",
                "amount": cents_str(r["total"]),
                "currency": o["currency"],
                "created_at": rest_ts(r["createdAt"]),
                "processed_at": rest_ts(r["processedAt"]),
            }
        ],
        "order_adjustments": [],
    }


def order_payload(o: dict[str, Any], customer: dict[str, Any] | None, currency: str) -> dict[str, Any]:
    """Return the orders/create|updated|cancelled payload for an order document."""
    current = o["total"] - o["refunded"]
    return {
        "id": o["id"],
        "admin_graphql_api_id": gid("Order", o["id"]),
        "app_id": None,
        "browser_ip": None,
        "buyer_accepts_marketing": bool(customer and customer["marketingState"] == "SUBSCRIBED"),
        "cancel_reason": o["cancelReason"].lower() if o["cancelReason"] else None,
        "cancelled_at": rest_ts(o["cancelledAt"]),
        "closed_at": rest_ts(o["closedAt"]),
        "confirmed": True,
        "contact_email": o["email"],
        "created_at": rest_ts(o["createdAt"]),
        "currency": o["currency"],
        "current_subtotal_price": cents_str(o["subtotal"]),
        "current_subtotal_price_set": _set(o, o["subtotal"]),
        "current_total_discounts": cents_str(o["discounts"]),
        "current_total_discounts_set": _set(o, o["discounts"]),
        "current_total_price": cents_str(current),
        "current_total_price_set": _set(o, current),
        "current_total_tax": cents_str(o["tax"]),
        "current_total_tax_set": _set(o, o["tax"]),
        "customer_locale": "en",
        "discount_codes": [{"code": c, "type": "percentage"} for c in o["discountCodes"]],
        "email": o["email"],
        "estimated_taxes": False,
        "financial_status": o["financial"].lower(),
        "fulfillment_status": "fulfilled" if o["fulfillment"] == "FULFILLED" else None,
        "name": o["name"],
        "number": o["number"],
        "order_number": 1000 + o["number"],
        "note": None,
        "note_attributes": [],
        "payment_gateway_names": ["bogus"],
        "phone": None,
        "presentment_currency": o["pCurrency"],
        "processed_at": rest_ts(o["processedAt"]),
        "source_name": o["sourceName"],
        "subtotal_price": cents_str(o["subtotal"]),
        "subtotal_price_set": _set(o, o["subtotal"]),
        "tags": ", ".join(o["tags"]),
        "tax_exempt": False,
        "tax_lines": [],
        "taxes_included": o["taxesIncluded"],
        "test": o["test"],
        "total_discounts": cents_str(o["discounts"]),
        "total_discounts_set": _set(o, o["discounts"]),
        "total_line_items_price": cents_str(sum(li["price"] * li["q"] for li in o["lines"])),
        "total_outstanding": "0.00",
        "total_price": cents_str(o["total"]),
        "total_price_set": _set(o, o["total"]),
        "total_shipping_price_set": _set(o, o["shipping"]),
        "total_tax": cents_str(o["tax"]),
        "total_tax_set": _set(o, o["tax"]),
        "total_tip_received": "0.00",
        "total_weight": 0,
        "updated_at": rest_ts(o["updatedAt"]),
        "user_id": None,
        "customer": customer_payload(customer, currency) if customer else None,
        "discount_applications": [],
        "fulfillments": [],
        "line_items": [_line(o, li) for li in o["lines"]],
        "refunds": [refund_payload(o, r) for r in o["refunds"]],
        "shipping_lines": [
            {
                "id": s["id"],
                "code": s["code"],
                "price": cents_str(s["price"]),
                "price_set": _set(o, s["price"]),
                "discounted_price": cents_str(s["price"]),
                "discounted_price_set": _set(o, s["price"]),
                "is_removed": False,
                "source": "shopify",
                "title": s["title"],
                "tax_lines": [],
                "discount_allocations": [],
            }
            for s in o["shippingLines"]
        ],
    }
