"""Daily housekeeping: keep the customer-data access log within its retention period."""

from __future__ import annotations

from flask import current_app
from huey import crontab

from xsight import settings_of
from xsight.services.access_log import purge_access_log
from xsight.tasks.context import task_app
from xsight.tasks.queue import huey


@huey.periodic_task(crontab(minute="17", hour="3"))
def purge_old_access_records() -> int:
    """Delete access-log records older than ACCESS_LOG_RETENTION_DAYS; return how many."""
    with task_app():
        return purge_access_log(settings_of(current_app).ACCESS_LOG_RETENTION_DAYS)
