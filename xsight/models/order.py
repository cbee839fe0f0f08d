"""Orders, their line items, refunds and refund line items (amounts in shop money)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models import raw_links
from xsight.models.mixins import ShopifyObjectMixin
from xsight.models.types import BigId, GidString, JsonType, Money, UTCDateTime

ZERO = Decimal("0")
# Only orders waiting for their customer row are found by the customer's gid (decision 084).
UNLINKED = "customer_id IS NULL"


class Order(ShopifyObjectMixin, db.Model):  # type: ignore[name-defined]
    """An order; every amount is the shopMoney half of Shopify's MoneyBag."""

    __tablename__ = "orders"
    shop_foreign_key = False  # no foreign keys: models.raw_links (decision 079)
    __table_args__ = (
        UniqueConstraint("shop_id", "shopify_gid"),
        Index("ix_orders_shop_processed", "shop_id", "processed_at"),
        Index("ix_orders_shop_customer", "shop_id", "customer_id", "processed_at"),
        Index("ix_orders_shop_customer_gid", "shop_id", "customer_gid",
              postgresql_where=text(UNLINKED), sqlite_where=text(UNLINKED)),
    )

    name: Mapped[str | None] = mapped_column(String(64))
    # The customer's gid is kept even before the customer row exists, so orders
    # and customers can arrive in any order and still be linked.
    customer_gid: Mapped[str | None] = mapped_column(GidString)
    customer_id: Mapped[int | None] = mapped_column(BigId)  # customers.id; see models.raw_links
    email: Mapped[str | None] = mapped_column(String(320))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    shopify_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    test: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    currency_code: Mapped[str] = mapped_column(String(3), nullable=False)
    presentment_currency_code: Mapped[str | None] = mapped_column(String(3))
    financial_status: Mapped[str | None] = mapped_column(String(32))
    fulfillment_status: Mapped[str | None] = mapped_column(String(32))
    source_name: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list[str]] = mapped_column(JsonType, default=list, nullable=False)
    subtotal: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    total_discounts: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    total_shipping: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    total_tax: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    total_price: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    total_refunded: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    taxes_included: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


class OrderLineItem(ShopifyObjectMixin, db.Model):  # type: ignore[name-defined]
    """One line of an order, at order time."""

    __tablename__ = "order_line_items"
    shop_foreign_key = False  # no foreign keys: models.raw_links (decision 079)
    __table_args__ = (
        UniqueConstraint("shop_id", "shopify_gid"),
        Index("ix_order_line_items_shop_order", "shop_id", "order_id"),
        Index("ix_order_line_items_shop_product", "shop_id", "product_gid"),
    )

    order_id: Mapped[int] = mapped_column(BigId, nullable=False)  # orders.id; see models.raw_links
    product_gid: Mapped[str | None] = mapped_column(GidString)
    variant_gid: Mapped[str | None] = mapped_column(GidString)
    title: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    sku: Mapped[str | None] = mapped_column(String(255))
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    current_quantity: Mapped[int | None] = mapped_column(Integer)
    original_unit_price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    total_discount: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    total_tax: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    is_gift_card: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


class Refund(ShopifyObjectMixin, db.Model):  # type: ignore[name-defined]
    """A refund on an order, dated by its own processedAt (METRICS.md R2)."""

    __tablename__ = "refunds"
    __table_args__ = (
        UniqueConstraint("shop_id", "shopify_gid"),
        Index("ix_refunds_shop_order", "shop_id", "order_id"),
        Index("ix_refunds_shop_processed", "shop_id", "processed_at"),
    )

    order_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shopify_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    total_refunded: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    shipping_refunded: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    shipping_tax_refunded: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    # Refund-discrepancy order adjustments, with Shopify's sign (METRICS.md 1.2 Returns).
    adjustments: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    adjustments_tax: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)


class RefundLineItem(ShopifyObjectMixin, db.Model):  # type: ignore[name-defined]
    """Goods reversed by a refund: quantity and value after discount, before tax."""

    __tablename__ = "refund_line_items"
    __table_args__ = (
        UniqueConstraint("shop_id", "shopify_gid"),
        Index("ix_refund_line_items_shop_refund", "shop_id", "refund_id"),
    )

    refund_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("refunds.id", ondelete="CASCADE"), nullable=False)
    line_item_gid: Mapped[str | None] = mapped_column(GidString)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    subtotal: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    total_tax: Mapped[Decimal] = mapped_column(Money, default=ZERO, nullable=False)
    restock_type: Mapped[str | None] = mapped_column(String(32))
    is_gift_card: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


# The delete actions of the links above that have no foreign key, once every table exists.
event.listen(db.metadata, "after_create", raw_links.after_create)
event.listen(db.metadata, "before_drop", raw_links.before_drop)
