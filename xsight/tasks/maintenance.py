"""Daily housekeeping: keep webhook deliveries, sync runs and the access log within retention."""

from __future__ import annotations

from flask import current_app
from huey import crontab

from xsight import settings_of
from xsight.services import retention
from xsight.tasks.context import task_app
from xsight.tasks.queue import huey


@huey.periodic_task(crontab(minute="17", hour="3"))
def purge_expired_records() -> dict[str, int]:
    """Delete records past WEBHOOK_/SYNC_RUN_/ACCESS_LOG_RETENTION_DAYS; return counts by kind."""
    with task_app():
        settings = settings_of(current_app)
        return retention.purge_expired(webhook_days=settings.WEBHOOK_RETENTION_DAYS,
                                       sync_run_days=settings.SYNC_RUN_RETENTION_DAYS,
                                       access_log_days=settings.ACCESS_LOG_RETENTION_DAYS)
