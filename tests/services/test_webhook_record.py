"""The intake's record step: one committed row per webhook id, None for a duplicate or unknown shop."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import func, select

from xsight.extensions import db
from xsight.models import Shop, WebhookDelivery
from xsight.services import webhook_record

AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _record(domain: str, webhook_id: str, body: str = '{"id": 1}') -> webhook_record.Recorded:
    return webhook_record.record(domain, webhook_id, "orders/create", body, "received", None,
                                 "event-1", "2026-04", AT)


def test_records_once_and_reports_duplicates_and_unknown_shops(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    other = make_shop()
    with app.app_context():
        first = _record(shop.domain, "hook-1")
        assert first.shop_id == shop.id and first.delivery_id is not None
        assert _record(shop.domain, "hook-1") == (shop.id, None)  # the same webhook id again
        # the same webhook id at another shop is another delivery
        assert _record(other.domain, "hook-1").delivery_id not in (None, first.delivery_id)
        assert _record("nobody.myshopify.com", "hook-2") == (None, None)
        db.session.remove()
        rows = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert [(r.shop_id, r.webhook_id) for r in rows] == [(shop.id, "hook-1"), (other.id, "hook-1")]
    row = rows[0]
    assert (row.topic, row.status, row.event_id, row.api_version) == ("orders/create", "received",
                                                                      "event-1", "2026-04")
    assert row.triggered_at == AT and row.payload == '{"id": 1}' and row.received_at >= AT


def test_the_row_is_committed_when_record_returns(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        delivery_id = _record(shop.domain, "hook-commit").delivery_id
        # Seen from another connection before this session does anything else: acknowledged = stored.
        with db.engine.connect() as other:
            count = other.execute(select(func.count()).select_from(WebhookDelivery)
                                  .where(WebhookDelivery.id == delivery_id)).scalar_one()
        assert count == 1
