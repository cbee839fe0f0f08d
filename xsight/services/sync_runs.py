"""Sync runs: start one per shop at a time, record progress, publish it live."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from xsight import realtime
from xsight.errors import Conflict, NotFound, XSightError
from xsight.extensions import db
from xsight.models import SyncRun
from xsight.models.types import utcnow
from xsight.ops import metrics

ACTIVE = ("queued", "running")
# A worker renews its lease at every progress step; one silent this long is presumed dead.
LEASE_SECONDS = 120


class LeaseLost(XSightError):
    """Another worker took this run over (ours was presumed dead); stop writing."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def describe(run: SyncRun) -> dict[str, Any]:
    """Return a run as the API and Socket.IO show it, with percent and ETA."""
    percent = None
    eta = None
    if run.total:
        percent = round(min(100.0, 100.0 * run.processed / run.total), 1)
        if run.started_at and run.status == "running" and run.processed:
            elapsed = (utcnow() - run.started_at).total_seconds()
            eta = round(elapsed / run.processed * max(0, run.total - run.processed), 1)
    if run.status == "succeeded":
        percent, eta = 100.0, 0.0
    return {"id": run.id, "sync_run_id": run.id, "kind": run.kind, "status": run.status,
            "step": run.step, "processed": run.processed, "total": run.total, "percent": percent,
            "eta_seconds": eta, "created_at": _iso(run.created_at),
            "started_at": _iso(run.started_at), "finished_at": _iso(run.finished_at),
            "error": run.error}


def active_runs(shop_id: int) -> list[dict[str, Any]]:
    """Return the shop's queued or running syncs."""
    runs = db.session.scalars(select(SyncRun).where(SyncRun.shop_id == shop_id,
                                                    SyncRun.status.in_(ACTIVE)))
    return [describe(r) for r in runs]


def create(shop_id: int, kind: str) -> SyncRun:
    """Queue a new run, refusing when the shop already has one queued or running."""
    if active_runs(shop_id):
        raise Conflict("A sync is already running for this shop.")
    run = SyncRun(shop_id=shop_id, kind=kind, status="queued", checkpoint={})
    db.session.add(run)
    db.session.commit()
    return run


def get(shop_id: int, run_id: int) -> SyncRun:
    """Return one of the shop's runs or raise NotFound."""
    run = db.session.get(SyncRun, run_id)
    if run is None or run.shop_id != shop_id:
        raise NotFound(f"No sync run {run_id} for this shop.")
    return run


def recent(shop_id: int, limit: int) -> list[SyncRun]:
    """Return the shop's latest runs, newest first."""
    return list(db.session.scalars(select(SyncRun).where(SyncRun.shop_id == shop_id)
                                   .order_by(SyncRun.created_at.desc(), SyncRun.id.desc())
                                   .limit(limit)))


def acquire(run: SyncRun, worker: str) -> bool:
    """Take the run's lease unless a live worker holds it; return whether we now own it."""
    now = utcnow()
    result = db.session.execute(update(SyncRun).where(
        SyncRun.id == run.id,
        or_(SyncRun.status != "running", SyncRun.worker.is_(None), SyncRun.worker == worker,
            SyncRun.heartbeat_at.is_(None),
            SyncRun.heartbeat_at < now - timedelta(seconds=LEASE_SECONDS)))
        .values(worker=worker, heartbeat_at=now))
    db.session.commit()
    db.session.refresh(run)
    return bool(result.rowcount)  # type: ignore[attr-defined]


def is_stale(run: SyncRun) -> bool:
    """Return True when an active run's worker stopped renewing its lease, or no worker ever took it.

    A run still queued without a heartbeat a lease after it was created lost its task (a consumer
    killed as it picked the task up, or a Redis restarted without persistence): queue it again.
    """
    if run.status not in ACTIVE:
        return False
    cutoff = utcnow() - timedelta(seconds=LEASE_SECONDS)
    if run.heartbeat_at is None:
        return run.status == "queued" and run.created_at < cutoff
    return run.heartbeat_at < cutoff


def _renew(run: SyncRun) -> None:
    if run.worker is None:
        return
    result = db.session.execute(update(SyncRun).where(SyncRun.id == run.id,
                                                      SyncRun.worker == run.worker)
                                .values(heartbeat_at=utcnow()))
    if not result.rowcount:  # type: ignore[attr-defined]
        db.session.rollback()
        raise LeaseLost(f"Sync run {run.id} was taken over by another worker.")


def begin(run: SyncRun, step: str) -> None:
    """Mark a run as running."""
    run.status, run.step = "running", step
    run.started_at = run.started_at or utcnow()
    run.error = None
    db.session.commit()
    realtime.publish_progress(run.shop_id, describe(run), force=True)


def progress(run: SyncRun, *, step: str | None = None, processed: int | None = None,
             total: int | None = None, checkpoint: dict[str, Any] | None = None) -> None:
    """Record progress (and a resume point) and publish it, throttled."""
    if step is not None and step != run.step:
        run.step = step
    if processed is not None:
        run.processed = processed
    if total is not None:
        run.total = total
    if checkpoint is not None:
        run.checkpoint = {**(run.checkpoint or {}), **checkpoint}
    _renew(run)
    db.session.commit()
    realtime.publish_progress(run.shop_id, describe(run), force=step is not None)


def succeed(run: SyncRun) -> None:
    """Mark a run finished and tell the browsers."""
    run.status, run.finished_at, run.step = "succeeded", utcnow(), "done"
    if run.total is not None:
        run.processed = max(run.processed, run.total)
    db.session.commit()
    realtime.publish_progress(run.shop_id, describe(run), force=True)
    realtime.publish(run.shop_id, "sync:completed", {"sync_run_id": run.id, "kind": run.kind})
    realtime.forget_run(run.id)
    _observe(run, "succeeded")


def fail(run: SyncRun, error: str) -> None:
    """Mark a run failed with a message that carries no secret, and tell the browsers."""
    db.session.rollback()
    run.status, run.finished_at, run.error = "failed", utcnow(), error[:2000]
    db.session.commit()
    realtime.publish(run.shop_id, "sync:failed", {"sync_run_id": run.id, "error": run.error})
    realtime.forget_run(run.id)
    _observe(run, "failed")


def _observe(run: SyncRun, outcome: str) -> None:
    metrics.SYNC_RUNS.labels(run.kind, outcome).inc()
    if run.started_at is None or run.finished_at is None:
        return
    seconds = (run.finished_at - run.started_at).total_seconds()
    metrics.SYNC_DURATION.labels(run.kind).observe(seconds)
    if outcome == "succeeded" and seconds > 0:
        metrics.SYNC_RATE.labels(run.kind).observe(run.processed / seconds)
