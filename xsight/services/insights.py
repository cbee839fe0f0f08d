"""Read a shop's insights for the analytics pages: RFM, cohorts, predictions, model quality."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from xsight.extensions import db
from xsight.models import Customer
from xsight.models.prediction import CustomerPrediction, ModelRun
from xsight.models.types import from_minor

AT_RISK_TOP = 20
CENT = Decimal("0.01")
NO_RUN = "Insights have not been computed for this shop yet; they run after the first sync."


def latest_run(shop_id: int) -> ModelRun | None:
    """Return the shop's newest finished model run (one with stored results)."""
    return db.session.scalars(select(ModelRun).where(
        ModelRun.shop_id == shop_id, ModelRun.status != "running")
        .order_by(ModelRun.started_at.desc(), ModelRun.id.desc()).limit(1)).first()


def describe_run(run: ModelRun | None) -> dict[str, Any] | None:
    """Return the public fields of a model run."""
    if run is None:
        return None
    return {"id": run.id, "status": run.status, "reason": run.error,
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "observation_end": run.observation_end.isoformat() if run.observation_end else None,
            "customers": run.n_customers, "repeat_buyers": run.n_repeat_buyers,
            "params": run.params, "log_likelihood": run.log_likelihood}


def _summary(shop_id: int, part: str) -> tuple[ModelRun | None, Any]:
    run = latest_run(shop_id)
    return run, ((run.summary or {}).get(part) if run else None)


def rfm_overview(shop_id: int) -> dict[str, Any]:
    """Return the RFM group table and the R x FM grid of the latest run."""
    run, data = _summary(shop_id, "rfm")
    return {"status": "ok" if data else "not_computed", "reason": None if data else NO_RUN,
            **(data or {"groups": [], "grid": None, "customers": 0}), "model_run": describe_run(run)}


def cohort_overview(shop_id: int, months: int) -> dict[str, Any]:
    """Return the last `months` first-order cohorts (retention and cumulative net sales per customer)."""
    run, data = _summary(shop_id, "cohorts")
    if not data:
        return {"status": "not_computed", "reason": NO_RUN, "cohorts": [], "sizes": [], "retention": [],
                "cumulative_net_sales_per_customer": [], "model_run": describe_run(run)}
    keep = slice(-months, None)
    width = min(months, len(data["retention"][0])) if data["retention"] else 0
    return {"status": "ok", "reason": None, "amounts": "order-attributed net sales",
            "current_month": data["current_month"], "cohorts": data["cohorts"][keep],
            "sizes": data["sizes"][keep],
            "retention": [row[:width] for row in data["retention"][keep]],
            "cumulative_net_sales_per_customer": [
                [None if v is None else round(v, 2) for v in row[:width]]
                for row in data["cumulative_net_sales_per_customer"][keep]],
            "model_run": describe_run(run)}


def prediction_overview(shop_id: int) -> tuple[dict[str, Any], int]:
    """Return distributions, risk bands and the top valuable customers at high churn risk (and how many)."""
    run, data = _summary(shop_id, "predictions")
    if not data:
        reason = run.error if run and run.error else NO_RUN
        return {"status": run.status if run else "not_computed", "reason": reason, "distributions": None,
                "at_risk": [], "model_run": describe_run(run)}, 0
    p = CustomerPrediction
    rows = db.session.execute(
        select(p.customer_id, p.clv_12m, p.p_alive, p.expected_90d, p.orders, p.net_sales,
               Customer.first_name, Customer.last_name, Customer.email)
        .outerjoin(Customer, Customer.id == p.customer_id)
        .where(p.shop_id == shop_id, p.churn_risk == "high", p.clv_12m.is_not(None))
        .order_by(p.clv_12m.desc()).limit(AT_RISK_TOP)).all()
    at_risk = [{"id": r[0], "name": " ".join(x for x in (r[6], r[7]) if x) or None, "email": r[8],
                "clv_12m": f"{r[1]:.2f}", "p_alive": r[2], "expected_90d": r[3], "orders": r[4],
                "net_sales": str(from_minor(r[5]).quantize(CENT))} for r in rows]
    return {"status": "ok", "reason": None, "distributions": data, "at_risk": at_risk,
            "model_run": describe_run(run)}, len(at_risk)


def model_quality(shop_id: int) -> dict[str, Any]:
    """Return the holdout check of the latest run, or why there is none."""
    run = latest_run(shop_id)
    if run is None:
        return {"status": "not_computed", "reason": NO_RUN, "model_run": None}
    q = dict(run.quality or {})
    status = q.pop("status", "not_computed")
    return {"status": status, "reason": q.pop("reason", None), **q, "model_run": describe_run(run)}
