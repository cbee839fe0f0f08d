"""One materialised row of CRM facts per live customer: what lists, segments and exports read."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models import search_index
from xsight.models.mixins import TenantMixin
from xsight.models.types import BigId, GidString, JsonType, UTCDateTime


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
        # The other sorts the customer list offers (decision 047).
        Index("ix_customer_facts_shop_name", "shop_id", "name_key", "customer_id"),
        Index("ix_customer_facts_shop_orders", "shop_id", "number_of_orders", "customer_id"),
        Index("ix_customer_facts_shop_first", "shop_id", "first_order_date", "customer_id"),
        Index("ix_customer_facts_shop_p_alive", "shop_id", "p_alive", "customer_id"),
        Index("ix_customer_facts_shop_clv", "shop_id", "predicted_clv", "customer_id"),
        Index("ix_customer_facts_shop_created", "shop_id", "created_at", "customer_id"),
        # Filter-only columns, so a filter's count reads the index alone (decision 042).
        Index("ix_customer_facts_shop_country", "shop_id", "country", "churn_risk", "customer_id"),
        Index("ix_customer_facts_shop_churn", "shop_id", "churn_risk", "customer_id"),
    )

    customer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    customer_gid: Mapped[str] = mapped_column(GidString, nullable=False)
    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    # lower(trim(first || ' ' || last)), NULL when empty: the name sort and search key.
    name_key: Mapped[str | None] = mapped_column(String(511))
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


# The trigram index that search reads lives and dies with the table (xsight.models.search_index).
event.listen(CustomerFacts.__table__, "after_create", search_index.after_create)
event.listen(CustomerFacts.__table__, "before_drop", search_index.before_drop)


class CustomerFactTag(TenantMixin, db.Model):  # type: ignore[name-defined]
    """One tag of one customer's facts row, so tag filters and rules probe an index, not JSON."""

    __tablename__ = "customer_fact_tags"
    __table_args__ = (
        UniqueConstraint("shop_id", "customer_id", "tag"),
        # Covers both tag tests: rules (tag_key) and the list's exact filter (tag_key, then tag).
        Index("ix_customer_fact_tags_shop_key", "shop_id", "tag_key", "customer_id", "tag"),
    )

    customer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    tag: Mapped[str] = mapped_column(Text, nullable=False)
    # The tag with ASCII letters lower-cased (and nothing else), as segment rules compare tags.
    tag_key: Mapped[str] = mapped_column(Text, nullable=False)


class CustomerFactsVersion(TenantMixin, db.Model):  # type: ignore[name-defined]
    """A random token replaced on every write to a shop's facts: the key of cached list totals."""

    __tablename__ = "customer_facts_versions"
    __table_args__ = (UniqueConstraint("shop_id"),)

    token: Mapped[int] = mapped_column(BigInteger, nullable=False)
