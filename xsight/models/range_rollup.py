"""Rollups that make any dashboard range cheap: customer days, distinct-count grid, monthly spend lists.

Decision 032: `customer_days` holds one row per customer per shop-local day with a counted order, with the
customer's previous such day; `range_counts` counts those rows per day (and per 7-day block) by the week of
that previous day, so "distinct customers in [s, e]" is a sum of a few hundred rows plus the rows whose
previous day falls in the 0-6 days just before s. `customer_month_spend` lists each customer's positive
order-attributed net per month for the exact top-customers search. Day numbers are `date.toordinal()`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models.mixins import TenantMixin
from xsight.models.types import CustomerKeyString


class CustomerDay(TenantMixin, db.Model):  # type: ignore[name-defined]
    """A customer's counted orders on one local day, with the previous day of each kind of activity."""

    __tablename__ = "customer_days"
    __table_args__ = (
        UniqueConstraint("shop_id", "customer_key", "day_number"),
        Index("ix_customer_days_shop_prev", "shop_id", "prev_number", "day_number"),
        Index("ix_customer_days_shop_prev_returning", "shop_id", "prev_returning_number", "day_number"),
    )

    customer_key: Mapped[str] = mapped_column(CustomerKeyString, nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    day_number: Mapped[int] = mapped_column(Integer, nullable=False)
    orders: Mapped[int] = mapped_column(Integer, nullable=False)  # counted orders placed this day
    net: Mapped[int] = mapped_column(BigInteger, nullable=False)  # their order-attributed net
    lq_orders: Mapped[int] = mapped_column(Integer, nullable=False)  # lifecycle-qualifying ones (insights)
    lq_net: Mapped[int] = mapped_column(BigInteger, nullable=False)
    is_returning: Mapped[int] = mapped_column(SmallInteger, nullable=False)  # 1: not only the first LQ order
    first_order: Mapped[int] = mapped_column(SmallInteger, nullable=False)  # 1: first LQ order's day
    prev_number: Mapped[int | None] = mapped_column(Integer)  # previous customer day
    prev_returning_number: Mapped[int | None] = mapped_column(Integer)  # previous returning day


class RangeCount(TenantMixin, db.Model):  # type: ignore[name-defined]
    """How many customer days of a kind fall in a bucket with their previous day in a given week.

    kind: c (counted order), r (returning), n (first LQ order); level 0: bucket = day number,
    level 1: bucket = day number // 7; prev_week = previous day number // 7, -1 when there is none.
    """

    __tablename__ = "range_counts"
    __table_args__ = (UniqueConstraint("shop_id", "kind", "level", "bucket", "prev_week"),)

    kind: Mapped[str] = mapped_column(String(1), nullable=False)
    level: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    bucket: Mapped[int] = mapped_column(Integer, nullable=False)
    prev_week: Mapped[int] = mapped_column(Integer, nullable=False)
    n: Mapped[int] = mapped_column(Integer, nullable=False)


class CustomerMonthSpend(TenantMixin, db.Model):  # type: ignore[name-defined]
    """Sum of max(order-attributed net, 0) over a customer's counted orders in one local month."""

    __tablename__ = "customer_month_spend"
    __table_args__ = (
        UniqueConstraint("shop_id", "customer_key", "month"),
        Index("ix_customer_month_spend_list", "shop_id", "month", "positive", "customer_key"),
    )

    customer_key: Mapped[str] = mapped_column(CustomerKeyString, nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    positive: Mapped[int] = mapped_column(BigInteger, nullable=False)
