"""Receive webhook deliveries: record each once, then apply it (now or in a task)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from xsight.errors import BadRequest
from xsight.extensions import db
from xsight.models import WebhookDelivery
from xsight.models.types import utcnow
from xsight.ops import context, metrics
from xsight.services import compliance, installs, locks, webhook_record
from xsight.services.ingest import apply as ingest

log = logging.getLogger(__name__)

# Topics applied inside the request because they must take effect at once.
IMMEDIATE_TOPICS = frozenset({"app/uninstalled"})
# Data topics are handed to a task; the sync engine registers the enqueue function here.
enqueue_delivery: list[Callable[[int], None]] = []
enqueue_privacy_request: list[Callable[[int], None]] = []
# SQLite only: a verified delivery that found the database's write lock taken is handed to the queue
# whole and recorded by a task (decision 059); the sync engine registers the function here.
spool_delivery: list[Callable[[dict[str, Any]], None]] = []
# The delivery headers recorded with it, spelt as `receive` looks them up.
HEADER_FIELDS = ("X-Shopify-Event-Id", "X-Shopify-API-Version", "X-Shopify-Triggered-At")


@dataclass(frozen=True)
class Receipt:
    """What happened to a delivery: recorded, duplicate, or for an unknown shop."""

    outcome: str
    delivery_id: int | None = None


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def receive(shop_domain: str, topic: str, webhook_id: str, body: str,
            headers: dict[str, str | None]) -> Receipt:
    """Record a verified delivery once and apply or enqueue it; duplicates do nothing."""
    try:
        json.loads(body)
        status, error = "received", None
    except ValueError as exc:
        status, error = "malformed", f"invalid JSON: {exc}"
        body = body.replace("\x00", "\ufffd")  # kept for inspection; PostgreSQL text cannot hold NUL
    delivery = {"shop_domain": shop_domain, "webhook_id": webhook_id, "topic": topic, "body": body,
                "status": status, "error": error, "event_id": headers.get("X-Shopify-Event-Id"),
                "api_version": headers.get("X-Shopify-API-Version"),
                "triggered_at": headers.get("X-Shopify-Triggered-At")}
    try:
        return _record(delivery, wait=not spool_delivery)
    except webhook_record.DatabaseBusy:
        spool_delivery[0](delivery)
        log.info("webhook spooled: the database is busy", extra={"shop": shop_domain, "topic": topic})
        return Receipt("malformed" if status == "malformed" else "spooled")


def record_spooled(delivery: dict[str, Any]) -> Receipt:
    """Record a spooled delivery (waiting for the write lock), then go on as `receive` does."""
    return _record(delivery, wait=True)


def _record(delivery: dict[str, Any], wait: bool) -> Receipt:
    shop_domain, topic, status = delivery["shop_domain"], delivery["topic"], delivery["status"]
    # Hot path (every delivery): shop lookup and insert at the driver level, no ORM objects.
    shop_id, delivery_id = webhook_record.record(
        shop_domain, delivery["webhook_id"], topic, delivery["body"], status, delivery["error"],
        delivery["event_id"], delivery["api_version"], _parse_time(delivery["triggered_at"]), wait=wait)
    if shop_id is None:
        log.info("webhook for unknown shop", extra={"shop": shop_domain, "topic": topic})
        return Receipt("unknown_shop")
    if delivery_id is None:
        return Receipt("duplicate")
    if status == "malformed":
        return Receipt("malformed", delivery_id)
    if topic in IMMEDIATE_TOPICS:
        installs.uninstall(shop_domain)
        db.session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                           .values(status="processed", processed_at=utcnow(), payload=None))
        db.session.commit()
    elif enqueue_delivery:
        enqueue_delivery[0](delivery_id)
    return Receipt("recorded", delivery_id)


def transient(exc: BaseException) -> bool:
    """Return True for a failure that a later attempt can get past (retriable or a lost DB race)."""
    return bool(getattr(exc, "retriable", False)) or locks.lost_race(exc)


def process(delivery_id: int, final: bool = False) -> str:
    """Apply a recorded delivery once; a retriable failure is left for the task to retry (unless final)."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status in ("processed", "ignored", "malformed"):
        return "skipped"
    context.bind(shop_id=delivery.shop_id, topic=delivery.topic, webhook_id=delivery.webhook_id)
    try:
        outcome = ingest.apply(db.session, delivery.shop_id, delivery.topic,
                               json.loads(delivery.payload or "{}"))
    except Exception as exc:
        db.session.rollback()
        delivery.status = "retrying" if transient(exc) and not final else "failed"
        delivery.error = f"{type(exc).__name__}: {exc}"[:2000]
        db.session.commit()
        metrics.WEBHOOKS_APPLIED.labels(delivery.topic, delivery.status).inc()
        raise
    # The payload held personal data; once applied it is no longer needed.
    delivery.status, delivery.processed_at, delivery.error = outcome, utcnow(), None
    delivery.payload = None
    db.session.commit()
    metrics.WEBHOOKS_APPLIED.labels(delivery.topic, outcome).inc()
    metrics.WEBHOOK_LAG.labels(delivery.topic).observe(
        max(0.0, (delivery.processed_at - delivery.received_at).total_seconds()))
    return outcome


def receive_privacy_request(shop_domain: str, topic: str, webhook_id: str, body: str) -> Receipt:
    """Record a privacy webhook once (without its personal data) and queue its processing."""
    shop = installs.shop_by_domain(shop_domain)
    if shop is None:
        log.info("privacy webhook for unknown shop", extra={"shop": shop_domain, "topic": topic})
        return Receipt("unknown_shop")
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise BadRequest(f"The privacy webhook body is not valid JSON: {exc}",
                         code="malformed_json") from None
    db.session.add(WebhookDelivery(shop_id=shop.id, webhook_id=webhook_id, topic=topic,
                                   status="processed", processed_at=utcnow()))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return Receipt("duplicate")
    request_id = compliance.record(shop.id, topic, webhook_id, payload).id
    if enqueue_privacy_request:
        enqueue_privacy_request[0](request_id)
    return Receipt("recorded", request_id)
