"""Segments (saved rule trees) and who is in them over time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models.mixins import TenantMixin
from xsight.models.types import BigId, JsonType, UTCDateTime, utcnow


class Segment(TenantMixin, db.Model):  # type: ignore[name-defined]
    """A named group of customers defined by a nested rule tree."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("shop_id", "slug"),)

    name: Mapped[str] = mapped_column(String(255), nullable=False)
    slug: Mapped[str] = mapped_column(String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    rules: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False)
    tag_writeback: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # The built-in template this segment was made from, if any.
    template: Mapped[str | None] = mapped_column(String(64))
    member_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    count_history: Mapped[list[Any]] = mapped_column(JsonType, default=list, nullable=False)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow,
                                                 nullable=False)


class SegmentMembership(TenantMixin, db.Model):  # type: ignore[name-defined]
    """A customer's stay in a segment; `left_at` is null while still a member."""

    __tablename__ = "segment_memberships"
    __table_args__ = (
        Index("ix_segment_memberships_shop_segment", "shop_id", "segment_id", "left_at"),
        Index("ix_segment_memberships_shop_customer", "shop_id", "customer_id"),
        # A customer is in a segment at most once at a time (history rows have left_at set).
        Index("uq_segment_memberships_active", "shop_id", "segment_id", "customer_id", unique=True,
              sqlite_where=text("left_at IS NULL"), postgresql_where=text("left_at IS NULL")),
    )

    segment_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("segments.id", ondelete="CASCADE"), nullable=False)
    customer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


TAG_RUN_STATUSES = ("running", "succeeded", "failed")


class SegmentTagRun(TenantMixin, db.Model):  # type: ignore[name-defined]
    """One write-back of a segment's tag to Shopify: who got it, who lost it, how it ended."""

    __tablename__ = "segment_tag_runs"
    __table_args__ = (Index("ix_segment_tag_runs_shop_segment", "shop_id", "segment_id", "started_at"),)

    segment_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("segments.id", ondelete="CASCADE"), nullable=False)
    tag: Mapped[str] = mapped_column(String(255), nullable=False)
    status: Mapped[str] = mapped_column(String(16), default="running", nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    to_add: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    to_remove: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    added: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    removed: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    failed: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    error: Mapped[str | None] = mapped_column(Text)
