"""Segments (saved rule trees) and who is in them over time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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
    )

    segment_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("segments.id", ondelete="CASCADE"), nullable=False)
    customer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
