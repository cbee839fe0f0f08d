"""Insights recompute: after each backfill and nightly, one at a time per shop."""

from __future__ import annotations

import logging
from datetime import timedelta

from huey import crontab
from sqlalchemy import select

from xsight.extensions import db
from xsight.models import ModelRun, Shop
from xsight.models.types import utcnow
from xsight.services import insights_recompute
from xsight.tasks.context import task_app
from xsight.tasks.queue import huey
from xsight.tasks.segments import refresh_segments

log = logging.getLogger(__name__)

NIGHTLY_HOUR_UTC = 3
RECOMPUTE_STALE_AFTER = timedelta(minutes=30)


def recompute_in_progress(shop_id: int) -> bool:
    """Return True while another recompute of the shop is running (and not presumed dead)."""
    since = utcnow() - RECOMPUTE_STALE_AFTER
    return db.session.scalar(select(ModelRun.id).where(
        ModelRun.shop_id == shop_id, ModelRun.status == "running",
        ModelRun.started_at > since).limit(1)) is not None


@huey.task(retries=1, retry_delay=60)
def recompute_insights(shop_id: int) -> str:
    """Recompute one shop's predictions, RFM, cohorts and model quality; return the run's status."""
    with task_app():
        shop = db.session.get(Shop, shop_id)
        if shop is None or not shop.installed:
            return "skipped"
        # Not a queue lock: a killed worker would leave one behind for good. A running run
        # older than RECOMPUTE_STALE_AFTER is presumed dead; results are replaced atomically, so
        # a rare overlap of two recomputes is harmless.
        if recompute_in_progress(shop_id):
            log.info("insights recompute already running", extra={"shop_id": shop_id})
            return "locked"
        status = insights_recompute.recompute(shop_id).status
    if status == "succeeded":
        refresh_segments(shop_id, "recompute")
    return status


@huey.periodic_task(crontab(minute="17", hour=str(NIGHTLY_HOUR_UTC)))
def recompute_all_insights() -> int:
    """Queue a recompute for every installed shop (nightly)."""
    with task_app():
        ids = db.session.scalars(select(Shop.id).where(Shop.installed.is_(True))).all()
    for shop_id in ids:
        recompute_insights(shop_id)
    return len(ids)


AFTER_RUNNING_DELAY_S = 300


def recompute_soon(shop_id: int) -> None:
    """Recompute now, or a little later when a recompute (which read the old settings) is running."""
    with task_app():
        running = recompute_in_progress(shop_id)
    if running:
        recompute_insights.schedule((shop_id,), delay=AFTER_RUNNING_DELAY_S)
    else:
        recompute_insights(shop_id)
