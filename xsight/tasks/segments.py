"""Segment refreshes (on save, after syncs and recomputes, hourly) and tag write-back runs."""

from __future__ import annotations

import logging

from huey import crontab
from sqlalchemy import select

from xsight.errors import Conflict
from xsight.extensions import db
from xsight.models import Segment, Shop
from xsight.services.segments import membership, query, tagging
from xsight.tasks.context import task_app
from xsight.tasks.queue import huey

log = logging.getLogger(__name__)

TOUCHED = {"sync": query.SYNC_FIELDS, "recompute": query.PREDICTION_FIELDS}


@huey.task(retries=2, retry_delay=30)
def refresh_segment(segment_id: int) -> dict[str, int] | None:
    """Refresh one segment's members; queue a tag write-back when they changed and it is on."""
    with task_app():
        changes = membership.refresh(segment_id)
        if changes and (changes["entered"] or changes["left"]):
            queue_tag_run(segment_id, only_if_enabled=True)
        return changes


@huey.task(retries=2, retry_delay=30)
def refresh_segments(shop_id: int, cause: str | None = None) -> int:
    """Refresh the shop's segments that read fields the cause (`sync`, `recompute`) may have changed."""
    with task_app():
        ids = membership.segments_to_refresh(shop_id, TOUCHED.get(cause or ""))
    for segment_id in ids:
        refresh_segment(segment_id)
    return len(ids)


@huey.task(retries=1, retry_delay=60)
def write_segment_tags(run_id: int) -> str:
    """Carry out one tag write-back run."""
    with task_app():
        return tagging.run(run_id)


def queue_tag_run(segment_id: int, *, only_if_enabled: bool = False) -> int | None:
    """Start and queue a write-back run for the segment; None when one is running or it is off."""
    segment = db.session.get(Segment, segment_id)
    if segment is None or (only_if_enabled and not segment.tag_writeback):
        return None
    try:
        run = tagging.start(segment)
    except Conflict:
        log.info("tag write-back already running", extra={"segment_id": segment_id})
        return None
    write_segment_tags(run.id)
    return run.id


@huey.periodic_task(crontab(minute="41"))
def refresh_all_segments() -> int:
    """Hourly: refresh every installed shop's segments (relative dates move with the calendar)."""
    with task_app():
        ids = db.session.scalars(select(Shop.id).where(Shop.installed.is_(True))).all()
    for shop_id in ids:
        refresh_segments(shop_id)
    return len(ids)
