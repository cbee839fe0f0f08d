"""Resolve Order and its line items, shipping lines, refunds and taxes from order documents."""

from __future__ import annotations

from typing import Any

from .pagination import paginate_list
from .registry import register, tag
from .values import api_ts, gid, money_bag


def bag(order: dict[str, Any], cents: int) -> dict[str, Any]:
    """Return a MoneyBag in the order's shop and presentment currencies."""
    return money_bag(cents, order["currency"], order["pCurrency"], order["rate"])


def _child(order: dict[str, Any], item: dict[str, Any], typename: str) -> dict[str, Any]:
    return {**item, "_o": order, "__typename": typename}


def _line_items(o: dict[str, Any], _i: Any, **a: Any) -> dict[str, Any]:
    return paginate_list([_child(o, li, "LineItem") for li in o["lines"]], a)


def _refunded_line_cents(o: dict[str, Any]) -> tuple[int, int]:
    sub = sum(rl["sub"] for r in o["refunds"] for rl in r["lines"])
    tax = sum(rl["tax"] for r in o["refunds"] for rl in r["lines"])
    return sub, tax


def _line_by_id(o: dict[str, Any], lid: int) -> dict[str, Any]:
    return _child(o, next(li for li in o["lines"] if li["id"] == lid), "LineItem")


def _refunds(o: dict[str, Any], _i: Any, first: int | None = None) -> list[dict[str, Any]]:
    refunds = [_child(o, r, "Refund") for r in o["refunds"]]
    return refunds[:first] if first is not None else refunds


register(
    "Order",
    {
        "id": lambda o, i: gid("Order", o["id"]),
        "legacyResourceId": lambda o, i: str(o["id"]),
        "name": lambda o, i: o["name"],
        "number": lambda o, i: o["number"],
        "email": lambda o, i: o["email"],
        "createdAt": lambda o, i: api_ts(o["createdAt"]),
        "updatedAt": lambda o, i: api_ts(o["updatedAt"]),
        "processedAt": lambda o, i: api_ts(o["processedAt"]),
        "cancelledAt": lambda o, i: api_ts(o["cancelledAt"]),
        "cancelReason": lambda o, i: o["cancelReason"],
        "closedAt": lambda o, i: api_ts(o["closedAt"]),
        "closed": lambda o, i: o["closedAt"] is not None,
        "test": lambda o, i: o["test"],
        "currencyCode": lambda o, i: o["currency"],
        "presentmentCurrencyCode": lambda o, i: o["pCurrency"],
        "displayFinancialStatus": lambda o, i: o["financial"],
        "displayFulfillmentStatus": lambda o, i: o["fulfillment"],
        "sourceName": lambda o, i: o["sourceName"],
        "tags": lambda o, i: o["tags"],
        "taxesIncluded": lambda o, i: o["taxesIncluded"],
        "discountCodes": lambda o, i: o["discountCodes"],
        "discountCode": lambda o, i: o["discountCodes"][0] if o["discountCodes"] else None,
        "note": lambda o, i: None,
        "phone": lambda o, i: None,
        "confirmed": lambda o, i: True,
        "customer": lambda o, i: i.context.customer(o["customerId"]),
        "subtotalPriceSet": lambda o, i: bag(o, o["subtotal"]),
        "totalDiscountsSet": lambda o, i: bag(o, o["discounts"]),
        "totalShippingPriceSet": lambda o, i: bag(o, o["shipping"]),
        "totalTaxSet": lambda o, i: bag(o, o["tax"]),
        "totalPriceSet": lambda o, i: bag(o, o["total"]),
        "totalRefundedSet": lambda o, i: bag(o, o["refunded"]),
        "totalRefundedShippingSet": lambda o, i: bag(
            o, sum(s["sub"] for r in o["refunds"] for s in r["ship"])
        ),
        "currentTotalPriceSet": lambda o, i: bag(o, o["total"] - o["refunded"]),
        "currentSubtotalPriceSet": lambda o, i: bag(o, o["subtotal"] - _refunded_line_cents(o)[0]),
        "currentTotalTaxSet": lambda o, i: bag(o, o["tax"] - _refunded_line_cents(o)[1]),
        "currentTotalDiscountsSet": lambda o, i: bag(o, o["discounts"]),
        "netPaymentSet": lambda o, i: bag(o, 0 if o["financial"] == "VOIDED" else o["total"] - o["refunded"]),
        "subtotalLineItemsQuantity": lambda o, i: sum(li["q"] for li in o["lines"]),
        "currentSubtotalLineItemsQuantity": lambda o, i: sum(li["cq"] for li in o["lines"]),
        "lineItems": _line_items,
        "shippingLines": lambda o, i, **a: paginate_list(
            [_child(o, s, "ShippingLine") for s in o["shippingLines"]], a
        ),
        "refunds": _refunds,
    },
)

register(
    "LineItem",
    {
        "id": lambda li, i: gid("LineItem", li["id"]),
        "title": lambda li, i: li["title"],
        "name": lambda li, i: f"{li['title']} - {li['variantTitle']}",
        "variantTitle": lambda li, i: li["variantTitle"],
        "sku": lambda li, i: li["sku"],
        "quantity": lambda li, i: li["q"],
        "currentQuantity": lambda li, i: li["cq"],
        "refundableQuantity": lambda li, i: li["cq"],
        "isGiftCard": lambda li, i: li["gift"],
        "taxable": lambda li, i: not li["gift"],
        "requiresShipping": lambda li, i: not li["gift"],
        "product": lambda li, i: i.context.product(li["productId"]),
        "variant": lambda li, i: next(
            (
                tag({**v, "_p": p}, "ProductVariant")
                for p in [i.context.product(li["productId"])]
                if p
                for v in p["variants"]
                if v["id"] == li["variantId"]
            ),
            None,
        ),
        "originalUnitPriceSet": lambda li, i: bag(li["_o"], li["price"]),
        "originalTotalSet": lambda li, i: bag(li["_o"], li["price"] * li["q"]),
        "totalDiscountSet": lambda li, i: bag(li["_o"], li["disc"]),
        "discountedTotalSet": lambda li, i, **a: bag(li["_o"], li["price"] * li["q"] - li["disc"]),
        "discountAllocations": lambda li, i: (
            [{"allocatedAmountSet": bag(li["_o"], li["disc"])}] if li["disc"] else []
        ),
        "taxLines": lambda li, i, first=None: (
            [
                {
                    "title": li["taxTitle"],
                    "rate": float(li["taxRate"]),
                    "ratePercentage": float(li["taxRate"]) * 100,
                    "priceSet": bag(li["_o"], li["tax"]),
                    "channelLiable": False,
                }
            ]
            if li.get("taxRate")
            else []
        ),
    },
)
register("DiscountAllocation", {"allocatedAmountSet": lambda d, i: d["allocatedAmountSet"]})
register(
    "TaxLine",
    {
        k: (lambda key: lambda t, i: t[key])(k)
        for k in ("title", "rate", "ratePercentage", "priceSet", "channelLiable")
    },
)

register(
    "ShippingLine",
    {
        "id": lambda s, i: gid("ShippingLine", s["id"]),
        "title": lambda s, i: s["title"],
        "code": lambda s, i: s["code"],
        "source": lambda s, i: "shopify",
        "isRemoved": lambda s, i: False,
        "custom": lambda s, i: False,
        "taxLines": lambda s, i: [],
        "originalPriceSet": lambda s, i: bag(s["_o"], s["price"]),
        "discountedPriceSet": lambda s, i: bag(s["_o"], s["price"]),
        "currentDiscountedPriceSet": lambda s, i: bag(s["_o"], s["price"]),
    },
)

register(
    "Refund",
    {
        "id": lambda r, i: gid("Refund", r["id"]),
        "legacyResourceId": lambda r, i: str(r["id"]),
        "createdAt": lambda r, i: api_ts(r["createdAt"]),
        "updatedAt": lambda r, i: api_ts(r["createdAt"]),
        "processedAt": lambda r, i: api_ts(r["processedAt"]),
        "note": lambda r, i: r["note"],
        "totalRefundedSet": lambda r, i: bag(r["_o"], r["total"]),
        "order": lambda r, i: r["_o"],
        "refundLineItems": lambda r, i, **a: paginate_list(
            [_child(r["_o"], x, "RefundLineItem") for x in r["lines"]], a
        ),
        "refundShippingLines": lambda r, i, **a: paginate_list(
            [_child(r["_o"], x, "RefundShippingLine") for x in r["ship"]], a
        ),
        "orderAdjustments": lambda r, i, **a: paginate_list(
            [_child(r["_o"], x, "OrderAdjustment") for x in r["adj"]], a
        ),
    },
)
register(
    "RefundLineItem",
    {
        "id": lambda x, i: gid("RefundLineItem", x["id"]),
        "quantity": lambda x, i: x["q"],
        "restockType": lambda x, i: x["restock"],
        "restocked": lambda x, i: x["restock"] in ("RETURN", "CANCEL"),
        "subtotalSet": lambda x, i: bag(x["_o"], x["sub"]),
        "totalTaxSet": lambda x, i: bag(x["_o"], x["tax"]),
        "priceSet": lambda x, i: bag(x["_o"], x["sub"] // max(x["q"], 1)),
        "lineItem": lambda x, i: _line_by_id(x["_o"], x["lineId"]),
    },
)
register(
    "RefundShippingLine",
    {
        "id": lambda x, i: gid("RefundShippingLine", x["id"]),
        "subtotalAmountSet": lambda x, i: bag(x["_o"], x["sub"]),
        "taxAmountSet": lambda x, i: bag(x["_o"], x["tax"]),
        "shippingLine": lambda x, i: _child(
            x["_o"],
            next(s for s in x["_o"]["shippingLines"] if s["id"] == x["shippingLineId"]),
            "ShippingLine",
        ),
    },
)
register(
    "OrderAdjustment",
    {
        "id": lambda x, i: gid("OrderAdjustment", x["id"]),
        "reason": lambda x, i: x.get("reason"),
        "amountSet": lambda x, i: bag(x["_o"], x["amount"]),
        "taxAmountSet": lambda x, i: bag(x["_o"], x["tax"]),
    },
)
