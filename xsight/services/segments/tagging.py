"""Tag write-back: members get the segment's tag in Shopify, leavers lose it, other tags untouched."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, func, not_, select

from xsight.errors import Conflict, XSightError
from xsight.extensions import db
from xsight.models import Customer, CustomerEvent, Segment, SegmentMembership, SegmentTagRun, Shop
from xsight.models.types import utcnow
from xsight.services.crm import facts as crm_facts
from xsight.services.segments.store import tag_for
from xsight.services.shopify_client import client_for
from xsight.shopify import tags as shopify_tags

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=30)  # a running run older than this is presumed dead


def start(segment: Segment) -> SegmentTagRun:
    """Record a new write-back run for the segment (409 while another one is running)."""
    since = utcnow() - STALE_AFTER
    running = db.session.scalar(select(SegmentTagRun.id).where(
        SegmentTagRun.segment_id == segment.id, SegmentTagRun.status == "running",
        SegmentTagRun.started_at > since).limit(1))
    if running is not None:
        raise Conflict("A tag write-back for this segment is already running.")
    run = SegmentTagRun(shop_id=segment.shop_id, segment_id=segment.id, tag=tag_for(segment))
    db.session.add(run)
    db.session.commit()
    return run


def plan(segment: Segment, tag: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Return (customers to tag, customers to untag) as (id, gid), from the mirrored tags, in SQL."""
    member = select(SegmentMembership.id).where(
        SegmentMembership.shop_id == segment.shop_id, SegmentMembership.segment_id == segment.id,
        SegmentMembership.customer_id == Customer.id, SegmentMembership.left_at.is_(None)).exists()
    is_member = member if segment.tag_writeback else false()
    tagged = _has_tag(tag)
    live = select(Customer.id, Customer.shopify_gid).where(
        Customer.shop_id == segment.shop_id, Customer.deleted_at.is_(None)).order_by(Customer.id)
    add = db.session.execute(live.where(is_member, not_(tagged))).all()
    remove = db.session.execute(live.where(not_(is_member), tagged)).all()
    return [(cid, gid) for cid, gid in add], [(cid, gid) for cid, gid in remove]


def _has_tag(tag: str) -> ColumnElement[bool]:
    """True when the customer's mirrored tags hold `tag`, compared case-insensitively (ASCII)."""
    if db.session.get_bind().dialect.name == "postgresql":
        items = func.jsonb_array_elements_text(Customer.tags).table_valued("value")
    else:
        items = func.json_each(Customer.tags).table_valued("value")
    return select(items.c.value).where(func.lower(items.c.value) == tag.lower()).exists()


def run(run_id: int) -> str:
    """Carry out a write-back run; return its final status."""
    tag_run = db.session.get(SegmentTagRun, run_id)
    if tag_run is None or tag_run.status != "running":
        return "skipped"
    segment = db.session.get(Segment, tag_run.segment_id)
    shop = db.session.get(Shop, tag_run.shop_id)
    if segment is None or shop is None or not shop.installed:
        return _finish(tag_run, "failed", "The segment or the shop is gone.")
    add, remove = plan(segment, tag_run.tag)
    tag_run.to_add, tag_run.to_remove = len(add), len(remove)
    db.session.commit()
    try:
        client = client_for(shop)
        for action, people in (("add", add), ("remove", remove)):
            for start_at in range(0, len(people), shopify_tags.BATCH * 4):
                _apply(client, tag_run, action, people[start_at:start_at + shopify_tags.BATCH * 4])
    except XSightError as exc:
        log.warning("tag write-back stopped", extra={"shop_id": shop.id, "run_id": run_id})
        return _finish(tag_run, "failed", exc.message)
    status = "failed" if tag_run.failed and not (tag_run.added or tag_run.removed) else "succeeded"
    return _finish(tag_run, status, tag_run.error)


def _apply(client: Any, tag_run: SegmentTagRun, action: str, people: list[tuple[int, str]]) -> None:
    """Change one slice in Shopify, then mirror the tags and record timeline events; commit."""
    outcome = shopify_tags.apply(client, action, [gid for _, gid in people], tag_run.tag)
    done = set(outcome.done)
    now = utcnow()
    for cid, gid in people:
        if gid not in done:
            continue
        customer = db.session.get(Customer, cid)
        if customer is not None:
            kept = [t for t in customer.tags or [] if t.lower() != tag_run.tag.lower()]
            customer.tags = [*kept, tag_run.tag] if action == "add" else kept
        db.session.add(CustomerEvent(shop_id=tag_run.shop_id, customer_id=cid, occurred_at=now,
                                     kind="tags_added" if action == "add" else "tags_removed",
                                     data={"tags": [tag_run.tag], "segment_id": tag_run.segment_id}))
    if action == "add":
        tag_run.added += len(done)
    else:
        tag_run.removed += len(done)
    crm_facts.refresh_ids(db.session, tag_run.shop_id, [cid for cid, gid in people if gid in done])
    tag_run.failed += len(outcome.failed)
    if outcome.failed and not tag_run.error:
        first = next(iter(outcome.failed.values()))
        tag_run.error = f"{len(outcome.failed)} customer(s) not changed: {first}"
    db.session.commit()


def _finish(tag_run: SegmentTagRun, status: str, error: str | None) -> str:
    tag_run.status, tag_run.error, tag_run.finished_at = status, error, utcnow()
    db.session.commit()
    return status
