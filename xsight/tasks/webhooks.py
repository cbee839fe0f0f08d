"""Apply webhook deliveries in the background, and queue again those whose task was lost."""

from __future__ import annotations

import os
from typing import Any

from huey import crontab

from xsight.services import webhook_record, webhook_requeue
from xsight.services import webhooks as webhook_service
from xsight.tasks.context import task_app
from xsight.tasks.queue import huey

RETRIES = 8
# A refund that beat its order waits for the order (or reconciliation) this long between tries.
RETRY_DELAY_S = int(os.environ.get("WEBHOOK_RETRY_DELAY_SECONDS", "30"))
# A delivery still `received` this long after it arrived lost its task (consumer killed, Redis
# restarted without persistence); the sweep queues it again. Applying twice changes nothing.
STALLED_AFTER_S = int(os.environ.get("WEBHOOK_STALLED_AFTER_SECONDS", "300"))
# A `retrying` one is stalled once its whole retry schedule has passed.
RETRY_WINDOW_S = RETRIES * RETRY_DELAY_S
# A spooled delivery that still finds the database busy tries again this much later.
SPOOL_RETRY_S = int(os.environ.get("WEBHOOK_SPOOL_RETRY_SECONDS", "5"))


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY_S, context=True)
def process_webhook(delivery_id: int, task: Any = None) -> str:
    """Apply one recorded delivery (idempotent: a processed delivery is skipped)."""
    final = task is not None and not getattr(task, "retries", 0)
    with task_app():
        return webhook_service.process(delivery_id, final=final)


def enqueue(delivery_id: int) -> None:
    """Queue a delivery for processing."""
    process_webhook(delivery_id)


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY_S)
def record_spooled_webhook(delivery: dict[str, Any]) -> str:
    """Record a delivery spooled while SQLite's write lock was taken, then queue it as usual.

    While the lock stays taken the task schedules itself again (a busy database is always temporary:
    a long rebuild ends), so a spooled delivery is never dropped after a fixed number of tries.
    """
    with task_app():
        try:
            return webhook_service.record_spooled(delivery).outcome
        except webhook_record.DatabaseBusy:
            record_spooled_webhook.schedule((delivery,), delay=SPOOL_RETRY_S)
            return "busy"


def spool(delivery: dict[str, Any]) -> None:
    """Queue a verified delivery that could not be recorded yet (SQLite's write lock was taken)."""
    record_spooled_webhook(delivery)


@huey.periodic_task(crontab(minute="*"))
def requeue_stalled_webhooks() -> int:
    """Queue again every delivery whose task was lost; return how many."""
    with task_app():
        ids = webhook_requeue.stalled(STALLED_AFTER_S, STALLED_AFTER_S + RETRY_WINDOW_S)
    for delivery_id in ids:
        process_webhook(delivery_id)
    return len(ids)


webhook_service.enqueue_delivery[:] = [enqueue]
webhook_service.spool_delivery[:] = [spool]
