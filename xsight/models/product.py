"""Products and their variants mirrored from Shopify."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models.mixins import ShopifyObjectMixin
from xsight.models.types import BigId, JsonType, Money, UTCDateTime


class Product(ShopifyObjectMixin, db.Model):  # type: ignore[name-defined]
    """A product in the shop's catalogue."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("shop_id", "shopify_gid"),
        Index("ix_products_shop_updated", "shop_id", "shopify_updated_at"),
    )

    title: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    handle: Mapped[str | None] = mapped_column(String(255))
    vendor: Mapped[str | None] = mapped_column(String(255))
    product_type: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str | None] = mapped_column(String(16))
    tags: Mapped[list[str]] = mapped_column(JsonType, default=list, nullable=False)
    shopify_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProductVariant(ShopifyObjectMixin, db.Model):  # type: ignore[name-defined]
    """One purchasable variant of a product."""

    __tablename__ = "product_variants"
    __table_args__ = (
        UniqueConstraint("shop_id", "shopify_gid"),
        Index("ix_product_variants_shop_product", "shop_id", "product_id"),
    )

    product_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("products.id", ondelete="CASCADE"), nullable=False)
    title: Mapped[str | None] = mapped_column(String(255))
    sku: Mapped[str | None] = mapped_column(String(255))
    price: Mapped[Decimal | None] = mapped_column(Money)
