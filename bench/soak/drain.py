"""Drain a soak: the store's sender idle, every delivery applied, a reconciliation sync, an empty queue."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.soak import checks, layout, scenario


def quiesce(store: Any, procs: layout.Layout, app: Any, env: dict[str, str], folder: Path, *,
            redis_url: str, timeout_s: float, tick_s: float) -> dict[str, Any]:
    """Let deliveries and retries drain, then run the reconciliation sync as the schedule would."""
    from xsight.extensions import db
    from xsight.models import SyncRun, WebhookDelivery

    def pending() -> tuple[int, int]:
        with app.app_context():
            n = db.session.query(WebhookDelivery).filter(WebhookDelivery.status.in_(checks.PENDING)).count()
            active = db.session.query(SyncRun).filter(SyncRun.status.in_(("queued", "running"))).count()
            db.session.rollback()
        return n, active

    out: dict[str, Any] = {"store_idle_s": scenario.wait_for(
        store.services.webhooks.idle, timeout_s, "the store's sender idle", procs.check_alive)}
    with app.app_context():
        before = db.session.scalar(select(db.func.max(SyncRun.id))) or 0
    ticks = {"requeue_stalled_webhooks": 0, "reconcile_all": 0}
    last = [0.0]

    def settled() -> bool:
        """Tick the two periodic tasks every TICK_S, as the consumers' scheduler would, until done."""
        with app.app_context():
            runs = db.session.execute(select(SyncRun.shop_id, SyncRun.status)
                                      .where(SyncRun.id > before)).all()
            db.session.rollback()
        fresh = {s for s, st in runs if st == "succeeded"}
        waiting, active = pending()
        if len(fresh) == len(scenario.SHOPS) and not active and not waiting:
            return True
        if time.monotonic() - last[0] >= tick_s:
            last[0] = time.monotonic()
            scenario.enqueue(env, "xsight.tasks.webhooks:requeue_stalled_webhooks")
            ticks["requeue_stalled_webhooks"] += 1
            if len(fresh) < len(scenario.SHOPS):  # the store no longer changes: what it reads is final
                scenario.enqueue(env, "xsight.tasks.sync:reconcile_all")
                ticks["reconcile_all"] += 1
        return False
    out["settled_s"] = scenario.wait_for(settled, timeout_s,
                                         "every delivery applied and a reconciliation sync of both shops",
                                         procs.check_alive)
    out["ticks"] = ticks

    def queue_empty() -> bool:
        return scenario.queue_counts(redis_url, folder / "instance") == (0, 0) and pending() == (0, 0)
    out["queue_empty_s"] = scenario.wait_for(queue_empty, timeout_s, "an empty queue",
                                             procs.check_alive)
    return out
