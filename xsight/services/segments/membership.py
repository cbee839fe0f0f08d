"""Refresh who is in a segment: record entries and exits with their times, count history for sparklines."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from xsight.extensions import db
from xsight.models import Segment, SegmentMembership, Shop
from xsight.models.types import utcnow
from xsight.services.segments import query

log = logging.getLogger(__name__)

HISTORY_POINTS = 90
CHUNK = 500


def refresh(segment_id: int, now: datetime | None = None) -> dict[str, int] | None:
    """Bring one segment's memberships up to date in one transaction; None if it no longer exists."""
    now = now or utcnow()
    # Take the segment's row (a write lock on SQLite, a row lock on PostgreSQL) before reading, so
    # two refreshes of one segment run one after the other and never add a member twice.
    locked = db.session.execute(update(Segment).where(Segment.id == segment_id)
                                .values(refreshed_at=now).returning(Segment.shop_id)).first()
    if locked is None:
        db.session.rollback()
        return None
    segment = db.session.get(Segment, segment_id)
    shop = db.session.get(Shop, locked.shop_id)
    assert segment is not None and shop is not None
    current = query.member_ids(shop, segment.rules, now)
    active = {row.customer_id: row.id for row in db.session.execute(
        select(SegmentMembership.customer_id, SegmentMembership.id)
        .where(SegmentMembership.shop_id == shop.id, SegmentMembership.segment_id == segment.id,
               SegmentMembership.left_at.is_(None)))}
    entered = sorted(current - active.keys())
    left = sorted(active[c] for c in active.keys() - current)
    for i in range(0, len(entered), CHUNK):
        db.session.execute(insert(SegmentMembership), [
            {"shop_id": shop.id, "segment_id": segment.id, "customer_id": c, "entered_at": now}
            for c in entered[i:i + CHUNK]])
    for i in range(0, len(left), CHUNK):
        db.session.execute(update(SegmentMembership)
                           .where(SegmentMembership.id.in_(left[i:i + CHUNK]))
                           .values(left_at=now), execution_options={"synchronize_session": False})
    history: list[Any] = [*segment.count_history, {"at": now.isoformat(), "count": len(current)}]
    segment.count_history = history[-HISTORY_POINTS:]
    segment.member_count = len(current)
    db.session.commit()
    return {"entered": len(entered), "left": len(left), "count": len(current)}


def segments_to_refresh(shop_id: int, touched: frozenset[str] | None = None) -> list[int]:
    """Return the shop's segments whose rules read any of the `touched` fields (all when None)."""
    rows = db.session.execute(select(Segment.id, Segment.rules).where(Segment.shop_id == shop_id)
                              .order_by(Segment.id)).all()
    return [r.id for r in rows
            if touched is None or query.fields_of(r.rules) & touched or query.is_relative(r.rules)]


def refresh_shop(shop_id: int, touched: frozenset[str] | None = None) -> int:
    """Refresh every segment of a shop that the change could affect; return how many were refreshed."""
    done = 0
    for segment_id in segments_to_refresh(shop_id, touched):
        if refresh(segment_id) is not None:
            done += 1
    return done
