"""Insights recompute: after each backfill and nightly, one at a time per shop."""

from __future__ import annotations

import logging

from huey import crontab
from huey.exceptions import TaskLockedException
from sqlalchemy import select

from xsight.extensions import db
from xsight.models import Shop
from xsight.services import insights_recompute
from xsight.tasks.context import task_app
from xsight.tasks.queue import huey

log = logging.getLogger(__name__)

NIGHTLY_HOUR_UTC = 3


def insights_lock(shop_id: int):
    """Return the lock that keeps two recomputes of one shop from overlapping."""
    return huey.lock_task(f"insights-shop-{shop_id}")


@huey.task(retries=1, retry_delay=60)
def recompute_insights(shop_id: int) -> str:
    """Recompute one shop's predictions, RFM, cohorts and model quality; return the run's status."""
    with task_app():
        try:
            with insights_lock(shop_id):
                shop = db.session.get(Shop, shop_id)
                if shop is None or not shop.installed:
                    return "skipped"
                return insights_recompute.recompute(shop_id).status
        except TaskLockedException:
            log.info("insights recompute already running", extra={"shop_id": shop_id})
            return "locked"


@huey.periodic_task(crontab(minute="17", hour=str(NIGHTLY_HOUR_UTC)))
def recompute_all_insights() -> int:
    """Queue a recompute for every installed shop (nightly)."""
    with task_app():
        ids = db.session.scalars(select(Shop.id).where(Shop.installed.is_(True))).all()
    for shop_id in ids:
        recompute_insights(shop_id)
    return len(ids)
