"""Customers mirrored from Shopify."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models.mixins import ShopifyObjectMixin
from xsight.models.types import JsonType, Money, UTCDateTime


class Customer(ShopifyObjectMixin, db.Model):  # type: ignore[name-defined]
    """A shop's customer; personal fields are nulled on `customers/redact`."""

    __tablename__ = "customers"
    shop_foreign_key = False  # no foreign key to shops: models.raw_links (decision 079)
    __table_args__ = (
        UniqueConstraint("shop_id", "shopify_gid"),
        Index("ix_customers_shop_email", "shop_id", "email"),
    )

    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))
    country_code: Mapped[str | None] = mapped_column(String(2))
    tags: Mapped[list[str]] = mapped_column(JsonType, default=list, nullable=False)
    state: Mapped[str | None] = mapped_column(String(32))
    email_marketing_state: Mapped[str | None] = mapped_column(String(32))
    # Shopify's own figures, kept as cross-checks only (METRICS.md 1.3).
    amount_spent: Mapped[Decimal | None] = mapped_column(Money)
    amount_spent_currency: Mapped[str | None] = mapped_column(String(3))
    number_of_orders: Mapped[int | None] = mapped_column(Integer)
    shopify_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
