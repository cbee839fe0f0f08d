"""Apply webhook deliveries in the background."""

from __future__ import annotations

from xsight.services import webhooks as webhook_service
from xsight.tasks.context import task_app
from xsight.tasks.queue import huey

RETRIES = 8
RETRY_DELAY_S = 30  # a refund that beat its order waits for the order (or reconciliation)


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY_S)
def process_webhook(delivery_id: int) -> str:
    """Apply one recorded delivery (idempotent: a processed delivery is skipped)."""
    with task_app():
        return webhook_service.process(delivery_id)


def enqueue(delivery_id: int) -> None:
    """Queue a delivery for processing."""
    process_webhook(delivery_id)


webhook_service.enqueue_delivery[:] = [enqueue]
