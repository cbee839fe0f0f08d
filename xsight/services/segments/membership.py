"""Refresh who is in a segment: record entries and exits with their times, count history for sparklines."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, literal, select, text, update

from xsight.extensions import db
from xsight.models import Segment, SegmentMembership, Shop
from xsight.models.types import utcnow
from xsight.services.crm import planner
from xsight.services.segments import query

log = logging.getLogger(__name__)

HISTORY_POINTS = 90
ANALYZE_AFTER = 10_000  # changed rows after which PostgreSQL's statistics are refreshed


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
    planner.interactive(db.session)
    facts, where = query.condition(shop, segment.rules, now)
    m = SegmentMembership.__table__
    open_stay = and_(m.c.shop_id == shop.id, m.c.segment_id == segment.id, m.c.left_at.is_(None))
    # Set-based diff: the selected ids never travel to Python (a segment may hold 10^5 customers).
    before = db.session.scalar(select(func.count()).select_from(m).where(open_stay)) or 0
    # NOT EXISTS, not NOT IN: PostgreSQL rescans a NOT IN subquery per row once it outgrows work_mem.
    still_in = select(facts.c.customer_id).where(facts.c.customer_id == m.c.customer_id, where).exists()
    left = _count(db.session.execute(update(m).where(open_stay, ~still_in).values(left_at=now)))
    already = select(m.c.id).where(open_stay, m.c.customer_id == facts.c.customer_id).exists()
    db.session.execute(insert(m).from_select(
        ["shop_id", "segment_id", "customer_id", "entered_at"],
        select(literal(shop.id), literal(segment.id), facts.c.customer_id, literal(now, m.c.entered_at.type))
        .where(where, ~already)))
    current = db.session.scalar(select(func.count()).select_from(m).where(open_stay)) or 0
    entered = current - (before - left)  # INSERT … SELECT has no portable row count (psycopg: -1)
    history: list[Any] = [*segment.count_history, {"at": now.isoformat(), "count": current}]
    segment.count_history = history[-HISTORY_POINTS:]
    segment.member_count = current
    db.session.commit()
    if entered + left > ANALYZE_AFTER and db.session.get_bind().dialect.name == "postgresql":
        # Fresh planner statistics: with the table's old row count PostgreSQL picks nested loops
        # that turn the next refresh's anti-joins quadratic (seen: 29 s instead of 0.3 s).
        db.session.execute(text("ANALYZE segment_memberships"))
        db.session.commit()
    return {"entered": entered, "left": left, "count": current}


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


def _count(result: Any) -> int:
    """Return how many rows an INSERT or UPDATE touched."""
    return int(result.rowcount)
