"""Mandatory privacy requests from Shopify (customers/data_request, customers/redact, shop/redact)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models.mixins import TenantMixin
from xsight.models.types import GidString, JsonType, UTCDateTime, utcnow


class ComplianceRequest(TenantMixin, db.Model):  # type: ignore[name-defined]
    """One privacy request, what was done, and when it was completed."""

    __tablename__ = "compliance_requests"
    __table_args__ = (Index("ix_compliance_requests_shop_received", "shop_id", "received_at"),)

    topic: Mapped[str] = mapped_column(String(64), nullable=False)
    webhook_id: Mapped[str | None] = mapped_column(String(128))
    customer_gid: Mapped[str | None] = mapped_column(GidString)
    status: Mapped[str] = mapped_column(String(16), default="received", nullable=False)
    # For data requests: the export handed to the merchant. Never holds tokens.
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
