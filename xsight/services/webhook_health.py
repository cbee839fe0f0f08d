"""Webhook health for the Sync page: deliveries of the last day by topic and outcome, and what is stuck."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from xsight.extensions import db
from xsight.models import WebhookDelivery
from xsight.models.types import utcnow
from xsight.models.webhook_delivery import DELIVERY_STATUSES

WINDOW = timedelta(hours=24)
RECENT_FAILURES = 10
ERROR_CHARS = 300  # a failure's error text is ours (never a payload), but keep the card readable


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def health(shop_id: int, now: datetime | None = None) -> dict[str, Any]:
    """Return counts per topic and outcome in the last 24 h, the last delivery, failures and backlog."""
    now = now or utcnow()
    since = now - WINDOW
    d = WebhookDelivery
    mine = d.shop_id == shop_id
    counts = db.session.execute(select(d.topic, d.status, func.count(), func.max(d.received_at))
                                .where(mine, d.received_at >= since).group_by(d.topic, d.status)).all()
    topics: dict[str, dict[str, Any]] = {}
    totals = dict.fromkeys(DELIVERY_STATUSES, 0)
    latest: dict[str, datetime] = {}
    for topic, status, count, last in counts:
        row = topics.setdefault(topic, {"topic": topic, **dict.fromkeys(DELIVERY_STATUSES, 0),
                                        "total": 0, "last_received_at": None})
        row[status] = row.get(status, 0) + int(count)
        row["total"] += int(count)
        totals[status] = totals.get(status, 0) + int(count)
        latest[topic] = max(latest.get(topic, last), last)
        row["last_received_at"] = _iso(latest[topic])
    last_received = db.session.scalar(select(func.max(d.received_at)).where(mine))
    pending = db.session.execute(select(d.topic, d.received_at).where(mine, d.status == "received")
                                 .order_by(d.received_at, d.id).limit(1)).first()
    failures = db.session.execute(select(d.topic, d.status, d.received_at, d.error)
                                  .where(mine, d.status.in_(("failed", "malformed")), d.received_at >= since)
                                  .order_by(d.received_at.desc(), d.id.desc()).limit(RECENT_FAILURES)).all()
    return {
        "window_hours": int(WINDOW.total_seconds() // 3600), "since": _iso(since),
        "last_received_at": _iso(last_received),
        "totals": {**totals, "total": sum(totals.values())},
        "topics": sorted(topics.values(), key=lambda t: (-t["total"], t["topic"])),
        "oldest_pending": None if pending is None else {
            "topic": pending[0], "received_at": _iso(pending[1]),
            "age_seconds": max(0, int((now - pending[1]).total_seconds()))},
        "malformed": totals.get("malformed", 0),
        "failures": [{"topic": f[0], "status": f[1], "received_at": _iso(f[2]),
                      "error": (f[3] or "")[:ERROR_CHARS] or None} for f in failures],
    }
