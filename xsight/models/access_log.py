"""Protected customer data access log (Shopify PCD level 2)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models.mixins import TenantMixin
from xsight.models.types import UTCDateTime, utcnow


class CustomerDataAccess(TenantMixin, db.Model):  # type: ignore[name-defined]
    """One API response that contained customers' personal data."""

    __tablename__ = "customer_data_access_log"
    __table_args__ = (Index("ix_customer_data_access_log_shop_at", "shop_id", "accessed_at"),)

    staff_user_id: Mapped[str | None] = mapped_column(String(64))
    route: Mapped[str] = mapped_column(String(255), nullable=False)
    customer_count: Mapped[int] = mapped_column(Integer, nullable=False)
    accessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
