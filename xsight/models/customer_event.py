"""What happened to a customer, for the timeline: updates received by webhook, tags XSight wrote."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models.mixins import TenantMixin
from xsight.models.types import BigId, JsonType, UTCDateTime, utcnow

# Orders, refunds, cancellations and segment entries/exits are read from their own tables;
# these are the events that have no other home.
EVENT_KINDS = ("customer_updated", "tags_added", "tags_removed")


class CustomerEvent(TenantMixin, db.Model):  # type: ignore[name-defined]
    """One dated event on a customer's timeline; `data` holds what changed, never secrets."""

    __tablename__ = "customer_events"
    __table_args__ = (
        Index("ix_customer_events_shop_customer_at", "shop_id", "customer_id", "occurred_at"),
    )

    customer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict, nullable=False)
