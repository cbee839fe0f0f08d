"""One materialised row of CRM facts per live customer: what lists, segments and exports read."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models.mixins import TenantMixin
from xsight.models.types import BigId, JsonType, UTCDateTime


class CustomerFacts(TenantMixin, db.Model):  # type: ignore[name-defined]
    """Identity, lifetime stats, RFM and predictions of one customer, kept equal to their sources.

    Maintained by `xsight.services.crm.facts` whenever the customer, its rollups or the shop's
    predictions change; a test checks it equals a recomputation from the source tables.
    """

    __tablename__ = "customer_facts"
    __table_args__ = (
        UniqueConstraint("shop_id", "customer_id"),
        Index("ix_customer_facts_shop_gid", "shop_id", "customer_gid"),
        Index("ix_customer_facts_shop_spent", "shop_id", "amount_spent", "customer_id"),
        Index("ix_customer_facts_shop_last", "shop_id", "last_order_date", "customer_id"),
        Index("ix_customer_facts_shop_group", "shop_id", "rfm_group", "customer_id"),
    )

    customer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    customer_gid: Mapped[str] = mapped_column(String(120), nullable=False)
    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    amount_spent: Mapped[int] = mapped_column(BigInteger, nullable=False)
    number_of_orders: Mapped[int] = mapped_column(Integer, nullable=False)
    average_order_value: Mapped[int | None] = mapped_column(BigInteger)
    first_order_date: Mapped[date | None] = mapped_column(Date)
    last_order_date: Mapped[date | None] = mapped_column(Date)
    rfm_group: Mapped[str | None] = mapped_column(String(24))
    r_score: Mapped[int | None] = mapped_column(Integer)
    f_score: Mapped[int | None] = mapped_column(Integer)
    m_score: Mapped[int | None] = mapped_column(Integer)
    p_alive: Mapped[float | None] = mapped_column(Float)
    churn_risk: Mapped[str | None] = mapped_column(String(8))
    predicted_clv: Mapped[float | None] = mapped_column(Float)
    expected_next_order_date: Mapped[date | None] = mapped_column(Date)
    customer_tags: Mapped[list[str]] = mapped_column(JsonType, nullable=False)
    country: Mapped[str | None] = mapped_column(String(2))
    email_subscription_status: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
