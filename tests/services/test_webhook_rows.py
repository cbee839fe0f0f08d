"""Webhook payloads from Shopify's samples map to the right rows, exactly."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from xsight.config import project_root
from xsight.services.ingest import webhook_rows

SAMPLES = project_root().parent / "shared" / "shopify" / "webhooks" / "2026-07"


def sample(name: str) -> dict[str, Any]:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    data: dict[str, Any] = json.loads(Path(path).read_text())
    return data


def test_order_sample() -> None:
    p = sample("orders_create.json")
    rows = webhook_rows.order(p)
    o = rows.order
    assert o["shopify_gid"] == "gid://shopify/Order/820982911946154508"
    assert o["customer_gid"] == "gid://shopify/Customer/115310627314723954"
    assert o["test"] is True and o["cancel_reason"] == "customer"
    assert o["cancelled_at"].isoformat() == "2021-12-31T19:00:00-05:00"
    assert o["total_price"] == Decimal("404.95") and o["total_discounts"] == Decimal("20.00")
    assert o["total_shipping"] == Decimal("10.00")
    assert o["tags"] == ["tag1", "tag2"]
    assert len(rows.line_items) == len(p["line_items"])
    first = rows.line_items[0]
    assert first["original_unit_price"] == Decimal("89.99")
    assert first["product_gid"] == "gid://shopify/Product/788032119674292922"
    assert first["variant_gid"] is None and first["is_gift_card"] is False


def test_customer_sample() -> None:
    c = webhook_rows.customer(sample("customers_update.json"))
    assert c["shopify_gid"] == "gid://shopify/Customer/706405506930370084"
    assert (c["first_name"], c["last_name"], c["email"]) == ("Bob", "Biller", "bob@biller.com")
    assert c["state"] == "disabled"


def test_product_sample() -> None:
    p = sample("products_update.json")
    product, variants = webhook_rows.product(p)
    assert product["tags"] == ["example", "mens", "t-shirt"]
    assert len(variants) == len(p["variants"])
    assert variants[0]["shopify_gid"].startswith("gid://shopify/ProductVariant/")


def test_refund_with_lines_and_adjustments() -> None:
    refund, lines = webhook_rows.refund({
        "id": 9, "order_id": 5, "created_at": "2026-01-02T10:00:00Z",
        "processed_at": "2026-01-03T10:00:00Z",
        "refund_line_items": [{"id": 1, "line_item_id": 7, "quantity": 2, "subtotal": "30.00",
                               "total_tax": "3.00", "restock_type": "return",
                               "line_item": {"id": 7, "gift_card": False}}],
        "order_adjustments": [{"amount_set": {"shop_money": {"amount": "-1.50"}},
                               "tax_amount_set": {"shop_money": {"amount": "0"}}}],
        "refund_shipping_lines": [{"subtotal_amount_set": {"shop_money": {"amount": "5.00"}},
                                   "tax_amount_set": {"shop_money": {"amount": "0.50"}}}],
        "transactions": [{"amount": "36.00"}],
    })
    assert refund["processed_at"].isoformat() == "2026-01-03T10:00:00+00:00"
    assert refund["adjustments"] == Decimal("-1.50")
    assert refund["shipping_refunded"] == Decimal("5.00")
    assert refund["total_refunded"] == Decimal("36.00")
    assert lines == [{"shopify_gid": "gid://shopify/RefundLineItem/1",
                      "line_item_gid": "gid://shopify/LineItem/7", "quantity": 2,
                      "subtotal": Decimal("30.00"), "total_tax": Decimal("3.00"),
                      "restock_type": "return", "is_gift_card": False}]
