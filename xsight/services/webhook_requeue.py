"""Find recorded deliveries whose task was lost (a killed consumer, a restarted Redis) to queue them again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, or_, select

from xsight.extensions import db
from xsight.models import WebhookDelivery
from xsight.models.types import utcnow

BATCH = 1_000  # deliveries re-queued per sweep; the next sweep takes the rest


def stalled(received_for_s: float, retrying_for_s: float, limit: int = BATCH) -> list[int]:
    """Return ids of deliveries still `received` after `received_for_s`, or `retrying` after `retrying_for_s`.

    A delivery's task sets `processed`, `ignored`, `retrying` or `failed` when it runs; one still
    `received` long after it arrived was never run to the end (its task was lost with a consumer or
    with Redis). A `retrying` one older than its whole retry schedule lost its scheduled retry.
    """
    now = utcnow()
    return list(db.session.scalars(
        select(WebhookDelivery.id)
        .where(or_(and_(WebhookDelivery.status == "received",
                        WebhookDelivery.received_at < now - timedelta(seconds=received_for_s)),
                   and_(WebhookDelivery.status == "retrying",
                        WebhookDelivery.received_at < now - timedelta(seconds=retrying_for_s))))
        .order_by(WebhookDelivery.id).limit(limit)))
