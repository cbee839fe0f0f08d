"""Delete operational records past their retention period, so the database stays bounded."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select

from xsight.extensions import db
from xsight.models import CustomerDataAccess, SyncRun, WebhookDelivery
from xsight.models.types import utcnow

log = logging.getLogger(__name__)

# Rows per DELETE: short transactions, so webhook intake and syncs never wait long for a lock.
BATCH_ROWS = 5000
# Deliveries in these states are settled; "received" and "retrying" ones still wait to be applied.
SETTLED_DELIVERIES = ("processed", "ignored", "failed", "malformed")
FINISHED_RUNS = ("succeeded", "failed", "cancelled")


def _delete_in_batches(model: Any, condition: ColumnElement[bool]) -> int:
    """Delete the rows of `model` matching `condition`, BATCH_ROWS per transaction; return how many."""
    total = 0
    while True:
        ids = select(model.id).where(condition).limit(BATCH_ROWS).scalar_subquery()
        result = db.session.execute(delete(model).where(model.id.in_(ids)))
        db.session.commit()
        deleted = int(result.rowcount or 0)  # type: ignore[attr-defined]
        total += deleted
        if deleted < BATCH_ROWS:
            return total


def purge_webhook_deliveries(days: int, now: datetime | None = None) -> int:
    """Delete settled deliveries received more than `days` ago; never one still to be applied."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    return _delete_in_batches(WebhookDelivery, (WebhookDelivery.received_at < cutoff)
                              & WebhookDelivery.status.in_(SETTLED_DELIVERIES))


def purge_sync_runs(days: int, now: datetime | None = None) -> int:
    """Delete finished runs that ended more than `days` ago, keeping each shop's latest run."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    latest = select(func.max(SyncRun.id)).group_by(SyncRun.shop_id)
    return _delete_in_batches(SyncRun, SyncRun.status.in_(FINISHED_RUNS)
                              & (SyncRun.finished_at < cutoff) & SyncRun.id.not_in(latest))


def purge_access_log(days: int, now: datetime | None = None) -> int:
    """Delete customer-data access records older than `days`."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    return _delete_in_batches(CustomerDataAccess, CustomerDataAccess.accessed_at < cutoff)


def purge_expired(*, webhook_days: int, sync_run_days: int, access_log_days: int,
                  now: datetime | None = None) -> dict[str, int]:
    """Apply every retention period; return how many rows of each kind were deleted."""
    counts = {"webhook_deliveries": purge_webhook_deliveries(webhook_days, now),
              "sync_runs": purge_sync_runs(sync_run_days, now),
              "access_log": purge_access_log(access_log_days, now)}
    log.info("retention purge", extra={"deleted": counts})
    return counts
