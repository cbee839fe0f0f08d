"""How far behind the workers are: queue depth and lag, and the oldest unprocessed webhook."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select

from xsight.extensions import db
from xsight.models import WebhookDelivery
from xsight.models.types import utcnow
from xsight.ops.tasks import queue_lag_seconds

# A delivery in one of these states has not been applied yet.
PENDING_DELIVERY = ("received", "retrying")


@dataclass(frozen=True)
class Backlog:
    """Queue depth (ready and scheduled), queue lag and the oldest pending webhook's age, in seconds."""

    queue_depth: int | None
    scheduled: int | None
    queue_lag_seconds: float | None
    oldest_pending_webhook_seconds: float | None

    def as_dict(self) -> dict[str, float | int | None]:
        """Return the numbers /readyz reports."""
        return {"queue_depth": self.queue_depth, "scheduled": self.scheduled,
                "queue_lag_seconds": self.queue_lag_seconds,
                "oldest_pending_webhook_seconds": self.oldest_pending_webhook_seconds}

    def gauges(self) -> list[tuple[str, str, float | None]]:
        """Return the numbers as (metric name, help, value) for the scrape-time collector."""
        return [
            ("xsight_queue_depth", "Tasks waiting in the Huey queue.", self.queue_depth),
            ("xsight_queue_scheduled", "Tasks scheduled for later (retries, delays).", self.scheduled),
            ("xsight_queue_lag_seconds", "Age of the oldest task waiting in the queue.",
             self.queue_lag_seconds),
            ("xsight_webhook_oldest_pending_seconds", "Age of the oldest received, unapplied delivery.",
             self.oldest_pending_webhook_seconds)]


def _queue() -> tuple[int | None, int | None, float | None]:
    from xsight.tasks.queue import huey, probe_storage

    try:
        storage = probe_storage()
        depth, scheduled = storage.queue_size(), storage.schedule_size()
        head = storage.enqueued_items(1)
    except Exception:  # an unreachable queue is reported by readiness, not here
        return None, None, None
    lag = 0.0 if not head else queue_lag_seconds(huey.deserialize_task(head[0]), time.time())
    return depth, scheduled, lag


def oldest_pending_webhook_seconds() -> float | None:
    """Return the age of the oldest delivery not yet applied (0 when there is none)."""
    try:
        oldest = db.session.scalar(select(func.min(WebhookDelivery.received_at))
                                   .where(WebhookDelivery.status.in_(PENDING_DELIVERY)))
    except Exception:  # the database being down is reported by readiness, not here
        db.session.rollback()
        return None
    return 0.0 if oldest is None else max(0.0, (utcnow() - oldest).total_seconds())


def measure(*, database: bool = True) -> Backlog:
    """Read the backlog now (without the database part when it is known to be down)."""
    depth, scheduled, lag = _queue()
    return Backlog(depth, scheduled, lag, oldest_pending_webhook_seconds() if database else None)
