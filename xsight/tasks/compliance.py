"""Privacy requests run as tasks so the webhook is acknowledged at once."""

from __future__ import annotations

from xsight.services import compliance
from xsight.services import webhooks as webhook_service
from xsight.tasks.context import task_app
from xsight.tasks.queue import huey


@huey.task(retries=5, retry_delay=60)
def process_privacy_request(request_id: int) -> str:
    """Carry out one recorded privacy request."""
    with task_app():
        return compliance.process(request_id)


def enqueue(request_id: int) -> None:
    """Queue a privacy request for processing."""
    process_privacy_request(request_id)


webhook_service.enqueue_privacy_request[:] = [enqueue]
