"""Webhook health: counts per topic and outcome in the last day, failures, oldest pending, malformed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask

from xsight.extensions import db
from xsight.models import Shop, WebhookDelivery
from xsight.services.webhook_health import health

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def delivery(shop_id: int, n: int, topic: str, status: str, hours_ago: float, error: str | None = None
             ) -> WebhookDelivery:
    return WebhookDelivery(shop_id=shop_id, webhook_id=f"w-{shop_id}-{n}", topic=topic, status=status,
                           received_at=NOW - timedelta(hours=hours_ago), error=error, payload='{"x": 1}')


def test_health_counts_the_last_day_per_topic_and_outcome(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop, other = make_shop(), make_shop()
    with app.app_context():
        db.session.add_all([
            delivery(shop.id, 1, "orders/create", "processed", 1),
            delivery(shop.id, 2, "orders/create", "processed", 2),
            delivery(shop.id, 3, "orders/create", "failed", 3, "KeyError: 'line_items'"),
            delivery(shop.id, 4, "customers/update", "received", 5),
            delivery(shop.id, 5, "customers/update", "received", 0.5),
            delivery(shop.id, 6, "orders/updated", "malformed", 0.25, "invalid JSON: Expecting value"),
            delivery(shop.id, 7, "orders/create", "failed", 30, "old failure"),  # outside the window
            delivery(other.id, 8, "orders/create", "failed", 1, "other shop"),
        ])
        db.session.commit()
        body = health(shop.id, now=NOW)
    assert body["window_hours"] == 24
    assert body["totals"] == {"received": 2, "processed": 2, "ignored": 0, "failed": 1, "malformed": 1,
                              "total": 6}
    assert [t["topic"] for t in body["topics"]] == ["orders/create", "customers/update", "orders/updated"]
    orders = body["topics"][0]
    assert (orders["processed"], orders["failed"], orders["total"]) == (2, 1, 3)
    assert orders["last_received_at"].startswith("2026-03-01T11:00")
    assert body["last_received_at"].startswith("2026-03-01T11:45")
    assert body["oldest_pending"] == {"topic": "customers/update", "received_at": "2026-03-01T07:00:00Z",
                                      "age_seconds": 5 * 3600}
    assert body["malformed"] == 1
    assert [(f["topic"], f["status"], f["error"]) for f in body["failures"]] == [
        ("orders/updated", "malformed", "invalid JSON: Expecting value"),
        ("orders/create", "failed", "KeyError: 'line_items'")]
    assert '{"x": 1}' not in str(body)  # payloads never leave the table


def test_health_of_a_shop_without_deliveries(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        body = health(shop.id, now=NOW)
    assert body["topics"] == [] and body["failures"] == [] and body["totals"]["total"] == 0
    assert body["last_received_at"] is None and body["oldest_pending"] is None
