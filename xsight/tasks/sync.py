"""Sync tasks: backfill and incremental sync, one at a time per shop."""

from __future__ import annotations

import logging
import os

from huey import crontab
from huey.exceptions import TaskLockedException
from sqlalchemy import select

from xsight.extensions import db
from xsight.models import Shop, SyncRun
from xsight.services import backfill, incremental, installs, sync_runs
from xsight.tasks.context import task_app
from xsight.tasks.queue import huey

log = logging.getLogger(__name__)

RUNNERS = {"backfill": backfill.run, "full": backfill.run, "incremental": incremental.run}
SYNC_RETRIES = 3
SYNC_RETRY_DELAY_S = 60


def shop_lock(shop_id: int):
    """Return the lock that keeps two syncs of one shop from overlapping."""
    return huey.lock_task(f"sync-shop-{shop_id}")


@huey.task(retries=SYNC_RETRIES, retry_delay=SYNC_RETRY_DELAY_S, context=True)
def run_sync(run_id: int, task=None) -> str:
    """Run (or resume) one sync run under the shop's lock; idempotent once finished."""
    with task_app():
        run = db.session.get(SyncRun, run_id)
        if run is None or run.status in ("succeeded", "cancelled"):
            return "skipped"
        try:
            with shop_lock(run.shop_id):
                RUNNERS[run.kind](run)
                sync_runs.succeed(run)
                return "succeeded"
        except TaskLockedException:
            log.info("sync already running for shop", extra={"shop_id": run.shop_id})
            raise
        except Exception as exc:
            retries_left = getattr(task, "retries", 0) if task is not None else 0
            if getattr(exc, "retriable", False) and retries_left:
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


SYNC_INTERVAL_MINUTES = int(os.environ.get("SYNC_INTERVAL_MINUTES", "15"))


@huey.periodic_task(crontab(minute=f"*/{SYNC_INTERVAL_MINUTES}"))
def reconcile_all() -> int:
    """Queue a sync for every installed shop with none running (a backfill if it never had one)."""
    started = 0
    with task_app():
        for shop in db.session.scalars(select(Shop).where(Shop.installed.is_(True))):
            if sync_runs.active_runs(shop.id):
                continue
            backfilled = (shop.settings or {}).get("backfilled_at")
            start(shop.id, "incremental" if backfilled else "backfill")
            started += 1
    return started

