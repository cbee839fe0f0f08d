"""Columns every tenant-owned table shares."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from xsight.models.types import BigId, GidString, UTCDateTime, utcnow


class TenantMixin:
    """A row that belongs to exactly one shop and disappears with it."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # False: no constraint; a trigger on shops deletes the rows instead (models.raw_links).
    shop_foreign_key: ClassVar[bool] = True

    @declared_attr
    def shop_id(cls) -> Mapped[int]:
        if not cls.shop_foreign_key:
            return mapped_column(BigId, nullable=False)
        return mapped_column(BigId, ForeignKey("shops.id", ondelete="CASCADE"), nullable=False)


class ShopifyObjectMixin(TenantMixin):
    """A tenant row mirrored from a Shopify object, keyed by its global id."""

    shopify_gid: Mapped[str] = mapped_column(GidString, nullable=False)
    # When Shopify last changed the object: webhooks older than this are ignored.
    shopify_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow,
                                                nullable=False)
