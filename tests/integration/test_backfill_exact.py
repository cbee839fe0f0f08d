"""A 5,000-order backfill equals the store's own records: counts and every money column."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import TEST_API_KEY, TEST_API_SECRET, MakeApp, make_settings
from tests.integration.conftest import install
from xsight.devstore.server import start_store
from xsight.extensions import db
from xsight.models import Customer, Order, OrderLineItem, Product, ProductVariant, Refund, RefundLineItem

CENT = Decimal("0.01")


def store_totals(storage: Any, shop: str) -> dict[str, Any]:
    """Sum the store's raw order documents (integer cents) into the app's column names."""
    sums: Counter[str] = Counter()
    for (doc_text,) in storage.query("SELECT doc FROM orders WHERE shop=?", (shop,)):
        doc = json.loads(doc_text)
        sums["orders"] += 1
        for column, key in (("subtotal", "subtotal"), ("total_discounts", "discounts"),
                            ("total_shipping", "shipping"), ("total_tax", "tax"),
                            ("total_price", "total"), ("total_refunded", "refunded")):
            sums[f"orders.{column}"] += doc[key]
        for line in doc["lines"]:
            sums["line_items"] += 1
            sums["line_items.quantity"] += line["q"]
            sums["line_items.original_unit_price"] += line["price"]
            sums["line_items.total_discount"] += line["disc"]
            sums["line_items.total_tax"] += line["tax"]
        for refund in doc["refunds"]:
            sums["refunds"] += 1
            sums["refunds.total_refunded"] += refund["total"]
            for line in refund["lines"]:
                sums["refund_line_items"] += 1
                sums["refund_line_items.quantity"] += line["q"]
                sums["refund_line_items.subtotal"] += line["sub"]
                sums["refund_line_items.total_tax"] += line["tax"]
    counts = {"customers": "customers", "products": "products"}
    for name, table in counts.items():
        sums[name] = storage.query(f"SELECT COUNT(*) FROM {table} WHERE shop=?", (shop,))[0][0]  # noqa: S608
    return {k: (Decimal(v) * CENT if "." in k and not k.endswith("quantity") else v)
            for k, v in sums.items()}


def app_totals() -> dict[str, Any]:
    """Sum the same columns from the app's tables."""
    def total(column: Any) -> Any:
        return db.session.scalar(select(func.coalesce(func.sum(column), 0)))

    def count(model: Any) -> int:
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)

    result: dict[str, Any] = {"orders": count(Order), "line_items": count(OrderLineItem),
                              "refunds": count(Refund), "refund_line_items": count(RefundLineItem),
                              "customers": count(Customer), "products": count(Product)}
    for column in ("subtotal", "total_discounts", "total_shipping", "total_tax", "total_price",
                   "total_refunded"):
        result[f"orders.{column}"] = Decimal(total(getattr(Order, column)))
    result["line_items.quantity"] = int(total(OrderLineItem.quantity))
    for column in ("original_unit_price", "total_discount", "total_tax"):
        result[f"line_items.{column}"] = Decimal(total(getattr(OrderLineItem, column)))
    result["refunds.total_refunded"] = Decimal(total(Refund.total_refunded))
    result["refund_line_items.quantity"] = int(total(RefundLineItem.quantity))
    for column in ("subtotal", "total_tax"):
        result[f"refund_line_items.{column}"] = Decimal(total(getattr(RefundLineItem, column)))
    assert count(ProductVariant) > 0
    return result


@pytest.mark.slow
def test_5000_order_backfill_is_exact(app: Flask, tmp_path: Path, make_app: MakeApp) -> None:
    store = start_store(seed=21, api_key=TEST_API_KEY, api_secret=TEST_API_SECRET, orders=5000,
                        db_path=str(tmp_path / "store.sqlite3"), bulk_dir=str(tmp_path / "bulk"))
    try:
        live = make_app(make_settings(tmp_path / "live",
                                      DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
                                      SHOPIFY_STORE_URL_OVERRIDE=store.base_url))
        assert install(live, store) == 200
        expected = store_totals(store.services.storage, store.shop)
        with live.app_context():
            actual = app_totals()
    finally:
        store.stop()
    assert expected["orders"] >= 4000
    assert actual == {k: expected.get(k, 0) for k in actual}
