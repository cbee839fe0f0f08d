"""Sync tasks: backfill and incremental sync, one at a time per shop."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime

from huey import crontab
from sqlalchemy import func, select

from xsight.extensions import db
from xsight.models import Shop, SyncRun
from xsight.models.types import utcnow
from xsight.ops import context
from xsight.services import backfill, incremental, installs, locks, settings, sync_runs
from xsight.tasks.analytics import recompute_insights
from xsight.tasks.context import task_app
from xsight.tasks.queue import huey
from xsight.tasks.segments import refresh_segments

log = logging.getLogger(__name__)

RUNNERS = {"backfill": backfill.run, "full": backfill.run, "incremental": incremental.run}
SYNC_RETRIES = 3
SYNC_RETRY_DELAY_S = 60


def worker_id() -> str:
    """Return an identity for this execution of a run (host, process, nonce)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@huey.task(retries=SYNC_RETRIES, retry_delay=SYNC_RETRY_DELAY_S, context=True)
def run_sync(run_id: int, task=None) -> str:
    """Run (or resume) one sync run under its lease; idempotent once finished."""
    with task_app():
        run = db.session.get(SyncRun, run_id)
        if run is None or run.status in ("succeeded", "cancelled"):
            return "skipped"
        context.bind(shop_id=run.shop_id, sync_run_id=run.id, kind=run.kind)
        # One active run per shop (sync_runs.create), and one live worker per run (the lease).
        if not sync_runs.acquire(run, worker_id()):
            log.info("sync run is held by a live worker", extra={"sync_run_id": run_id})
            return "locked"
        try:
            RUNNERS[run.kind](run)
            sync_runs.succeed(run)
            refresh_segments(run.shop_id, "sync")
            if run.kind in ("backfill", "full"):
                recompute_insights(run.shop_id)
            return "succeeded"
        except sync_runs.LeaseLost:
            log.warning("sync run taken over by another worker", extra={"sync_run_id": run_id})
            return "taken_over"
        except Exception as exc:
            retries_left = getattr(task, "retries", 0) if task is not None else 0
            if (getattr(exc, "retriable", False) or locks.lost_race(exc)) and retries_left:
                db.session.rollback()
                log.warning("sync run will be retried", extra={"sync_run_id": run_id})
                raise
            log.exception("sync run failed", extra={"sync_run_id": run_id})
            sync_runs.fail(run, f"{type(exc).__name__}: {exc}")
            return "failed"


def start(shop_id: int, kind: str) -> SyncRun:
    """Create a run (409 when one is active) and queue it."""
    run = sync_runs.create(shop_id, kind)
    run_sync(run.id)
    db.session.refresh(run)
    return run


def queue_first_backfill(shop_id: int) -> None:
    """Start the first backfill right after install."""
    if not sync_runs.active_runs(shop_id):
        start(shop_id, "backfill")


installs.after_install[:] = [queue_first_backfill]


def _last_created(shop_id: int) -> datetime | None:
    return db.session.scalar(select(func.max(SyncRun.created_at)).where(SyncRun.shop_id == shop_id))


SYNC_INTERVAL_MINUTES = int(os.environ.get("SYNC_INTERVAL_MINUTES", "15"))


@huey.periodic_task(crontab(minute=f"*/{SYNC_INTERVAL_MINUTES}"))
def reconcile_all() -> int:
    """Queue a sync for every installed shop with none running (a backfill if it never had one)."""
    started = 0
    with task_app():
        for shop in db.session.scalars(select(Shop).where(Shop.installed.is_(True))):
            stale = [r for r in db.session.scalars(select(SyncRun).where(
                SyncRun.shop_id == shop.id, SyncRun.status.in_(sync_runs.ACTIVE)))
                if sync_runs.is_stale(r)]
            for run in stale:  # its worker died: resume from the checkpoint
                run_sync(run.id)
            if stale or sync_runs.active_runs(shop.id):
                continue
            backfilled = (shop.settings or {}).get("backfilled_at")
            if backfilled and not settings.sync_due(shop, _last_created(shop.id), utcnow()):
                continue  # the shop asked for a longer interval (Settings page)
            start(shop.id, "incremental" if backfilled else "backfill")
            started += 1
    return started

