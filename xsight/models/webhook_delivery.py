"""Webhook deliveries, recorded before processing so duplicates do nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models.mixins import TenantMixin
from xsight.models.types import UTCDateTime, utcnow

DELIVERY_STATUSES = ("received", "processed", "ignored", "failed", "malformed")


class WebhookDelivery(TenantMixin, db.Model):  # type: ignore[name-defined]
    """One delivery of one webhook; `X-Shopify-Webhook-Id` is unique per shop."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("shop_id", "webhook_id"),
        Index("ix_webhook_deliveries_shop_status", "shop_id", "status", "received_at"),
    )

    webhook_id: Mapped[str] = mapped_column(String(128), nullable=False)
    event_id: Mapped[str | None] = mapped_column(String(128))
    topic: Mapped[str] = mapped_column(String(64), nullable=False)
    api_version: Mapped[str | None] = mapped_column(String(16))
    triggered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="received", nullable=False)
    # The verified raw body, kept until processed (and for inspection when malformed).
    payload: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
