"""Rollups maintained as orders are written: per-order events, shop days, customer lifetimes and months.

Amount columns hold integer 1/10,000 currency units (the storage of `Money`), so set-based SQL can sum
them exactly on both backends; services turn them into Decimal with `types.from_minor`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models.mixins import TenantMixin
from xsight.models.types import CustomerKeyString, GidString, UTCDateTime


class OrderEvent(TenantMixin, db.Model):  # type: ignore[name-defined]
    """One dated sale or reversal of an order (kind order/refund/cancel), already in shop-local days."""

    __tablename__ = "order_events"
    __table_args__ = (
        Index("ix_order_events_shop_order", "shop_id", "order_gid"),
        Index("ix_order_events_shop_date", "shop_id", "local_date"),
        # (0006 dropped ix_order_events_shop_range: the dashboard reads the range rollups instead.)
        Index("ix_order_events_shop_customer", "shop_id", "customer_key", "kind", "processed_at"),
    )

    order_gid: Mapped[str] = mapped_column(GidString, nullable=False)
    order_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    local_date: Mapped[date] = mapped_column(Date, nullable=False)
    local_month: Mapped[date] = mapped_column(Date, nullable=False)
    # R6: the customer's gid, else "email:<lowercased email>", else NULL (unidentified).
    customer_key: Mapped[str | None] = mapped_column(CustomerKeyString)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    counted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    qualifies: Mapped[bool] = mapped_column(Boolean, nullable=False)
    orders: Mapped[int] = mapped_column(Integer, nullable=False)
    orders_cancelled: Mapped[int] = mapped_column(Integer, nullable=False)
    gross: Mapped[int] = mapped_column(BigInteger, nullable=False)
    discounts: Mapped[int] = mapped_column(BigInteger, nullable=False)
    returns: Mapped[int] = mapped_column(BigInteger, nullable=False)
    shipping: Mapped[int] = mapped_column(BigInteger, nullable=False)
    taxes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    gift_card_sales: Mapped[int] = mapped_column(BigInteger, nullable=False)
    units_ordered: Mapped[int] = mapped_column(Integer, nullable=False)
    units_reversed: Mapped[int] = mapped_column(Integer, nullable=False)
    # On the "order" event: gross - discounts - every reversal of the order (METRICS 1.3).
    attributed_net: Mapped[int] = mapped_column(BigInteger, nullable=False)


class DailyShop(TenantMixin, db.Model):  # type: ignore[name-defined]
    """One shop-local day of event-dated finance figures (METRICS 1.5, additive columns)."""

    __tablename__ = "daily_shop"
    __table_args__ = (UniqueConstraint("shop_id", "date"),)

    date: Mapped[date] = mapped_column(Date, nullable=False)
    orders: Mapped[int] = mapped_column(Integer, nullable=False)
    orders_cancelled: Mapped[int] = mapped_column(Integer, nullable=False)
    gross_sales: Mapped[int] = mapped_column(BigInteger, nullable=False)
    discounts: Mapped[int] = mapped_column(BigInteger, nullable=False)
    returns: Mapped[int] = mapped_column(BigInteger, nullable=False)
    net_sales: Mapped[int] = mapped_column(BigInteger, nullable=False)
    shipping: Mapped[int] = mapped_column(BigInteger, nullable=False)
    taxes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    gift_card_sales: Mapped[int] = mapped_column(BigInteger, nullable=False)
    units_ordered: Mapped[int] = mapped_column(Integer, nullable=False)
    units_reversed: Mapped[int] = mapped_column(Integer, nullable=False)
    aov_numerator: Mapped[int] = mapped_column(BigInteger, nullable=False)
    aov_denominator: Mapped[int] = mapped_column(Integer, nullable=False)


class CustomerStats(TenantMixin, db.Model):  # type: ignore[name-defined]
    """A customer's lifetime over lifecycle-qualifying orders, order-attributed (METRICS 1.3)."""

    __tablename__ = "customer_stats"
    __table_args__ = (
        UniqueConstraint("shop_id", "customer_key"),
        Index("ix_customer_stats_shop_first", "shop_id", "first_order_date"),
        Index("ix_customer_stats_shop_net", "shop_id", "net_sales"),
    )

    customer_key: Mapped[str] = mapped_column(CustomerKeyString, nullable=False)
    first_order_gid: Mapped[str] = mapped_column(GidString, nullable=False)
    first_order_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    first_order_date: Mapped[date] = mapped_column(Date, nullable=False)
    last_order_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_order_date: Mapped[date] = mapped_column(Date, nullable=False)
    lifetime_orders: Mapped[int] = mapped_column(Integer, nullable=False)
    gross_sales: Mapped[int] = mapped_column(BigInteger, nullable=False)
    discounts: Mapped[int] = mapped_column(BigInteger, nullable=False)
    returns: Mapped[int] = mapped_column(BigInteger, nullable=False)
    net_sales: Mapped[int] = mapped_column(BigInteger, nullable=False)
    avg_net_order_value: Mapped[int] = mapped_column(BigInteger, nullable=False)


class CustomerMonth(TenantMixin, db.Model):  # type: ignore[name-defined]
    """A customer's lifecycle-qualifying orders and their order-attributed net in one local month."""

    __tablename__ = "customer_months"
    __table_args__ = (UniqueConstraint("shop_id", "customer_key", "month"),)

    customer_key: Mapped[str] = mapped_column(CustomerKeyString, nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    orders: Mapped[int] = mapped_column(Integer, nullable=False)
    net_sales: Mapped[int] = mapped_column(BigInteger, nullable=False)
