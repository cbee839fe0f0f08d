"""Task ids carry their enqueue time, so queue lag can be read from the queue itself."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from huey.storage import MemoryStorage

from xsight.models import Shop, WebhookDelivery
from xsight.ops import backlog
from xsight.ops.tasks import enqueued_at, queue_lag_seconds, time_ordered_id


def test_time_ordered_ids_are_uuid7_and_sort_by_time() -> None:
    first, second = time_ordered_id(1_700_000_000_000), time_ordered_id(1_700_000_000_001)
    assert uuid.UUID(first).version == 7 and uuid.UUID(first).variant == uuid.RFC_4122
    assert first < second
    assert enqueued_at(first) == 1_700_000_000.0
    assert enqueued_at(str(uuid.uuid4())) is None and enqueued_at("not-a-uuid") is None


def test_queued_tasks_report_depth_and_lag(app: Flask, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from xsight.tasks import queue, webhooks
    from xsight.tasks.queue import huey

    storage = MemoryStorage("lag-test")
    monkeypatch.setattr(huey, "immediate", False)
    monkeypatch.setattr(huey, "storage", storage)
    monkeypatch.setattr(queue, "_probe", [storage])
    webhooks.process_webhook(1)
    webhooks.process_webhook(2)
    (head, _) = [huey.deserialize_task(m) for m in storage.enqueued_items()]
    assert enqueued_at(head.id) is not None and abs(enqueued_at(head.id) - time.time()) < 5
    later = queue_lag_seconds(head, now=time.time() + 30)
    assert later is not None and 29 < later < 35
    head.eta = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=20)  # a retry due later
    due = queue_lag_seconds(head, now=time.time() + 30)
    assert due is not None and 9 < due < 11
    with app.app_context():
        found = backlog.measure()
    assert found.queue_depth == 2 and found.queue_lag_seconds is not None and found.queue_lag_seconds < 5


def test_readyz_reports_the_oldest_pending_webhook(app: Flask, client: FlaskClient,
                                                   make_shop: Callable[..., Shop]) -> None:
    from xsight.extensions import db
    from xsight.models.types import utcnow

    shop = make_shop()
    with app.app_context():
        db.session.add(WebhookDelivery(shop_id=shop.id, webhook_id="old-pending", topic="orders/create",
                                       status="received", received_at=utcnow() - timedelta(minutes=10)))
        db.session.add(WebhookDelivery(shop_id=shop.id, webhook_id="older-done", topic="orders/create",
                                       status="processed", received_at=utcnow() - timedelta(hours=5)))
        db.session.commit()
    body = client.get("/readyz").json
    assert body["status"] == "ready"
    assert 599 < body["backlog"]["oldest_pending_webhook_seconds"] < 700
    assert body["backlog"]["queue_depth"] == 0
