"""Build order documents and apply refunds and cancellations to them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import numpy as np

from .catalog import COUNTRIES
from .values import ts

DAY_S = 86_400.0
LINE_COUNT_PROBS = (0.5, 0.3, 0.15, 0.05)  # 1..4 line items
SECOND_UNIT_PROB = 0.15  # share of lines with quantity 2
GIFT_CARD_PROB = 0.02  # share of orders that also buy a gift card
DISCOUNTS = (("WELCOME10", "0.10"), ("SPRING15", "0.15"), ("VIP20", "0.20"))
DISCOUNT_PROB = 0.15
FREE_SHIPPING_FROM = 10_000  # cents, on the discounted subtotal
SHIPPING_RATES = (("Standard", "standard", 750), ("Express", "express", 1500))
PRESENTMENT_PROB = 0.7  # non-US customers paying in their own currency
TEST_PROB = 0.01
SOURCES = (("web", 0.85), ("pos", 0.10), ("shopify_draft_order", 0.05))
FULFIL_AFTER_S = 2 * DAY_S
CLOSE_AFTER_S = 5 * DAY_S
TAX_TITLES = {"US": "State Tax", "CA": "HST", "GB": "VAT", "DE": "MwSt", "FR": "TVA", "AU": "GST"}

IdFn = Callable[[str], int]


def _share(cents: int, rate: str) -> int:
    return int((Decimal(cents) * Decimal(rate)).to_integral_value(ROUND_HALF_EVEN))


def _pick_lines(
    products: list[dict[str, Any]], spend: int, rng: np.random.Generator, new_id: IdFn
) -> list[dict[str, Any]]:
    """Pick catalog variants and scale their unit prices so the non-gift lines sum to `spend`."""
    regular = [p for p in products if not p["isGiftCard"]]
    count = 1 + int(rng.choice(len(LINE_COUNT_PROBS), p=LINE_COUNT_PROBS))
    lines = []
    for _ in range(count):
        prod = regular[int(rng.integers(len(regular)))]
        var = prod["variants"][int(rng.integers(len(prod["variants"])))]
        qty = 2 if rng.random() < SECOND_UNIT_PROB else 1
        lines.append([prod, var, qty])
    lines[-1][2] = 1  # the last line absorbs rounding, so it holds one unit
    catalog = sum(v["price"] * q for _, v, q in lines)
    out, running = [], 0
    for i, (prod, var, qty) in enumerate(lines):
        unit = spend - running if i == len(lines) - 1 else max(1, round(var["price"] * spend / catalog))
        running += unit * qty
        out.append(
            {
                "id": new_id("LineItem"),
                "title": prod["title"],
                "variantTitle": var["title"],
                "sku": var["sku"],
                "q": qty,
                "cq": qty,
                "gift": False,
                "productId": prod["id"],
                "variantId": var["id"],
                "price": unit,
                "disc": 0,
                "tax": 0,
            }
        )
    if out[-1]["price"] <= 0:  # rounding ate the last line: fold everything into one line
        first = out[0]
        out = [{**first, "q": 1, "cq": 1, "price": spend}]
    gifts = [p for p in products if p["isGiftCard"]]
    if gifts and rng.random() < GIFT_CARD_PROB:
        var = gifts[0]["variants"][int(rng.integers(len(gifts[0]["variants"])))]
        out.append(
            {
                "id": new_id("LineItem"),
                "title": gifts[0]["title"],
                "variantTitle": var["title"],
                "sku": var["sku"],
                "q": 1,
                "cq": 1,
                "gift": True,
                "productId": gifts[0]["id"],
                "variantId": var["id"],
                "price": var["price"],
                "disc": 0,
                "tax": 0,
            }
        )
    return out


def build_order(
    *,
    number: int,
    when: float,
    customer: dict[str, Any],
    spend: int,
    products: list[dict[str, Any]],
    rng: np.random.Generator,
    new_id: IdFn,
    currency: str,
    now: float,
) -> dict[str, Any]:
    """Return a new order document for `customer` placed at `when` with `spend` cents of goods."""
    country = customer["country"]
    _, tax_rate, p_currency, p_rate, _, _ = COUNTRIES[country]
    lines = _pick_lines(products, max(spend, 100), rng, new_id)
    codes: list[str] = []
    if rng.random() < DISCOUNT_PROB:
        code, pct = DISCOUNTS[int(rng.integers(len(DISCOUNTS)))]
        codes = [code]
        for li in lines:
            if not li["gift"]:
                li["disc"] = _share(li["price"] * li["q"], pct)
    for li in lines:
        if not li["gift"]:
            li["tax"] = _share(li["price"] * li["q"] - li["disc"], tax_rate)
            li["taxRate"], li["taxTitle"] = tax_rate, TAX_TITLES[country]
    subtotal = sum(li["price"] * li["q"] - li["disc"] for li in lines)
    if subtotal >= FREE_SHIPPING_FROM:
        ship_title, ship_code, ship_price = "Free Shipping", "free", 0
    else:
        ship_title, ship_code, ship_price = SHIPPING_RATES[int(rng.random() < 0.2)]
    tax = sum(li["tax"] for li in lines)
    if country == "US" or rng.random() >= PRESENTMENT_PROB:
        p_currency, p_rate = currency, "1"
    test = bool(rng.random() < TEST_PROB)
    source = SOURCES[int(rng.choice(len(SOURCES), p=[s[1] for s in SOURCES]))][0]
    fulfilled = now - when > FULFIL_AFTER_S
    closed = ts(when + CLOSE_AFTER_S) if now - when > CLOSE_AFTER_S else None
    stamp = ts(when)
    return {
        "id": new_id("Order"),
        "number": number,
        "name": f"#{1000 + number}",
        "email": customer["email"],
        "customerId": customer["id"],
        "createdAt": stamp,
        "updatedAt": stamp,
        "processedAt": stamp,
        "cancelledAt": None,
        "cancelReason": None,
        "closedAt": closed,
        "test": test,
        "currency": currency,
        "pCurrency": p_currency,
        "rate": p_rate,
        "financial": "PAID",
        "fulfillment": "FULFILLED" if fulfilled else "UNFULFILLED",
        "sourceName": source,
        "tags": ["test"] if test else [],
        "taxesIncluded": False,
        "discountCodes": codes,
        "subtotal": subtotal,
        "discounts": sum(li["disc"] for li in lines),
        "shipping": ship_price,
        "tax": tax,
        "total": subtotal + ship_price + tax,
        "refunded": 0,
        "spend": spend,
        "lines": lines,
        "shippingLines": [
            {"id": new_id("ShippingLine"), "title": ship_title, "code": ship_code, "price": ship_price}
        ],
        "refunds": [],
    }


def refund_order(
    order: dict[str, Any],
    when: float,
    full: bool,
    rng: np.random.Generator,
    new_id: IdFn,
    restock: str = "RETURN",
) -> dict[str, Any] | None:
    """Refund one unit of one line (partial) or everything left (full); return the refund or None."""
    open_lines = [li for li in order["lines"] if li["cq"] > 0 and not li["gift"]]
    if not open_lines:
        return None
    rlines, ship = [], []
    chosen = open_lines if full else [open_lines[int(rng.integers(len(open_lines)))]]
    for li in chosen:
        qty = li["cq"] if full else 1
        sub = (li["price"] * li["q"] - li["disc"]) * qty // li["q"]
        tax = li["tax"] * qty // li["q"]
        li["cq"] -= qty
        rlines.append(
            {
                "id": new_id("RefundLineItem"),
                "lineId": li["id"],
                "q": qty,
                "restock": restock,
                "sub": sub,
                "tax": tax,
            }
        )
    if full and not any(r["ship"] for r in order["refunds"]) and order["shipping"] > 0:
        sl = order["shippingLines"][0]
        ship.append(
            {"id": new_id("RefundShippingLine"), "shippingLineId": sl["id"], "sub": sl["price"], "tax": 0}
        )
    total = sum(r["sub"] + r["tax"] for r in rlines) + sum(s["sub"] for s in ship)
    stamp = ts(when)
    refund = {
        "id": new_id("Refund"),
        "createdAt": stamp,
        "processedAt": stamp,
        "note": "Full refund" if full else "Returned item",
        "lines": rlines,
        "ship": ship,
        "adj": [],
        "total": total,
    }
    order["refunds"].append(refund)
    order["refunded"] += total
    order["financial"] = "REFUNDED" if order["refunded"] >= order["total"] else "PARTIALLY_REFUNDED"
    order["updatedAt"] = max(order["updatedAt"], stamp)
    return refund


def cancel_order(
    order: dict[str, Any], when: float, reason: str, with_refund: bool, rng: np.random.Generator, new_id: IdFn
) -> dict[str, Any] | None:
    """Cancel an order, refunding what was paid or voiding the payment; return the refund if any."""
    stamp = ts(when)
    order["cancelledAt"], order["cancelReason"] = stamp, reason
    order["closedAt"], order["updatedAt"] = stamp, max(order["updatedAt"], stamp)
    refund = None
    if with_refund and order["refunded"] < order["total"]:
        refund = refund_order(order, when, True, rng, new_id, restock="CANCEL")
    if refund is None and not order["refunds"]:
        order["financial"] = "VOIDED"
    return refund


def net_spent(order: dict[str, Any]) -> int:
    """Return what the order adds to the customer's amountSpent (cents, net of refunds)."""
    if order["test"] or order["financial"] == "VOIDED":
        return 0
    return int(order["total"] - order["refunded"])
