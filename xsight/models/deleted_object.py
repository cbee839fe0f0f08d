"""Objects Shopify deleted: a late or stale write of one of them must not bring it back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models.mixins import TenantMixin
from xsight.models.types import GidString, UTCDateTime, utcnow


class DeletedObject(TenantMixin, db.Model):  # type: ignore[name-defined]
    """The gid of an order, product or customer a `*/delete` webhook removed (ids are never reused)."""

    __tablename__ = "deleted_objects"
    __table_args__ = (UniqueConstraint("shop_id", "shopify_gid"),)

    shopify_gid: Mapped[str] = mapped_column(GidString, nullable=False)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
