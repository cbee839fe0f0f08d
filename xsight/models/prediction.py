"""Model runs (one per insights recompute) and the per-customer results of the latest run."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, Float, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models import prediction_links
from xsight.models.customer import Customer
from xsight.models.mixins import TenantMixin
from xsight.models.shop import Shop
from xsight.models.types import BigId, CustomerKeyString, JsonType, UTCDateTime, utcnow

RUN_STATUSES = ("running", "succeeded", "not_enough_data", "failed")
CHURN_RISKS = ("low", "medium", "high")


class ModelRun(TenantMixin, db.Model):  # type: ignore[name-defined]
    """One recompute of a shop's insights: what was fitted, how well, or why not."""

    __tablename__ = "model_runs"
    __table_args__ = (Index("ix_model_runs_shop_started", "shop_id", "started_at"),)

    status: Mapped[str] = mapped_column(String(16), default="running", nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    observation_end: Mapped[date | None] = mapped_column(Date)
    n_customers: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    n_repeat_buyers: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # {"bg": {...}, "gg": {...}, "penalizer": 0.0, "margin": 1.0, "monthly_discount_rate": 0.01}
    params: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict, nullable=False)
    log_likelihood: Mapped[float | None] = mapped_column(Float)
    quality: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict, nullable=False)
    # What the analytics pages read: RFM table and grid, cohort table, prediction distributions.
    summary: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict, nullable=False)
    error: Mapped[str | None] = mapped_column(Text)


class CustomerPrediction(TenantMixin, db.Model):  # type: ignore[name-defined]
    """One customer's scores from the shop's latest model run (replaced as a whole per run).

    No foreign keys (decision 035): the writer checks the run and shop once per run, and triggers on
    shops, model runs and customers do what the ON DELETE actions did (xsight.models.prediction_links).
    """

    __tablename__ = "customer_predictions"
    __table_args__ = (
        Index("ix_customer_predictions_shop_key", "shop_id", "customer_key"),
        Index("ix_customer_predictions_shop_risk_clv", "shop_id", "churn_risk", "clv_12m"),
    )

    shop_id: Mapped[int] = mapped_column(BigId, nullable=False)  # shops.id; see prediction_links
    model_run_id: Mapped[int] = mapped_column(BigId, nullable=False)  # model_runs.id
    customer_key: Mapped[str] = mapped_column(CustomerKeyString, nullable=False)
    customer_id: Mapped[int | None] = mapped_column(BigId)  # customers.id
    orders: Mapped[int] = mapped_column(Integer, nullable=False)
    net_sales: Mapped[int] = mapped_column(BigInteger, nullable=False)  # 1/10,000 units
    recency_days: Mapped[int | None] = mapped_column(Integer)
    p_alive: Mapped[float | None] = mapped_column(Float)
    expected_30d: Mapped[float | None] = mapped_column(Float)
    expected_90d: Mapped[float | None] = mapped_column(Float)
    clv_12m: Mapped[float | None] = mapped_column(Float)
    next_order_at: Mapped[date | None] = mapped_column(Date)
    churn_risk: Mapped[str | None] = mapped_column(String(8))
    r: Mapped[int] = mapped_column(Integer, nullable=False)
    f: Mapped[int] = mapped_column(Integer, nullable=False)
    m: Mapped[int] = mapped_column(Integer, nullable=False)
    fm: Mapped[int] = mapped_column(Integer, nullable=False)
    rfm_group: Mapped[str] = mapped_column(String(24), nullable=False)


# The delete actions live in triggers on the referenced tables: create them after those tables exist.
for _parent in (Shop.__table__, Customer.__table__, ModelRun.__table__):
    CustomerPrediction.__table__.add_is_dependent_on(_parent)
event.listen(CustomerPrediction.__table__, "after_create", prediction_links.after_create)
event.listen(CustomerPrediction.__table__, "before_drop", prediction_links.before_drop)
