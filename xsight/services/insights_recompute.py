"""Recompute a shop's insights: BG/NBD + Gamma-Gamma predictions, RFM, cohorts and holdout quality."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import delete

from xsight.analytics import cohorts, holdout, rfm
from xsight.analytics.transactions import summarize
from xsight.extensions import db
from xsight.models import Shop
from xsight.models.prediction import CustomerPrediction, ModelRun
from xsight.models.types import MONEY_SCALE, utcnow
from xsight.services import insights_models as models
from xsight.services import raw_sql
from xsight.services.crm import facts as crm_facts

log = logging.getLogger(__name__)
MIN_REPEAT_BUYERS = 200  # issue 6: below this (or MIN_HISTORY_DAYS) the shop gets "not enough data"
MIN_HISTORY_DAYS = 90
COLUMNS = ("shop_id", "model_run_id", "customer_key", "customer_id", "orders", "net_sales", "recency_days",
           "p_alive", "expected_30d", "expected_90d", "clv_12m", "next_order_at", "churn_risk", "r", "f", "m",
           "fm", "rfm_group")


def _setting(shop: Shop, name: str, default: float) -> float:
    value = (shop.settings or {}).get(name, default)
    return float(value) if isinstance(value, int | float) else default


def _orders(shop_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = raw_sql.fetch_all(
        "SELECT customer_key, local_date, attributed_net FROM order_events WHERE shop_id = "  # noqa: S608
        f"{int(shop_id)} AND kind = 'order' AND qualifies AND customer_key IS NOT NULL")
    if not rows:
        return np.array([], dtype=object), np.array([], dtype="datetime64[D]"), np.array([])
    keys, days, nets = zip(*rows, strict=True)
    amounts = np.array(nets, dtype=np.float64) / MONEY_SCALE
    return np.array(keys, dtype=object), np.array(days, dtype="datetime64[D]"), amounts


def _cohorts(shop_id: int, today: date) -> dict[str, Any]:
    """Cohorts from customer_months: each month row stands for min(orders, 2) orders (k = 0 needs 2)."""
    sql = f"SELECT customer_key, month, orders, net_sales FROM customer_months WHERE shop_id = {int(shop_id)}"  # noqa: S608
    rows = raw_sql.fetch_all(sql)  # only an integer was inlined above
    keys, days, amounts = [], [], []
    for key, month, orders, net in rows:
        keys.append(key)
        days.append(month)
        amounts.append(net / MONEY_SCALE)
        if orders >= 2:
            keys.append(key)
            days.append(month)
            amounts.append(0.0)
    table = cohorts.cohort_table(np.array(keys, dtype=object), np.array(days, dtype="datetime64[D]"),
                                 np.array(amounts, dtype=np.float64), observation_end=np.datetime64(today))
    return {"cohorts": table.cohorts, "sizes": [int(s) for s in table.sizes],
            "retention": table.retention,
            "cumulative_net_sales_per_customer": table.cumulative_revenue_per_customer,
            "current_month": table.current_month}


def recompute(shop_id: int) -> ModelRun:
    """Fit the models on the shop's lifecycle-qualifying orders and replace its per-customer results."""
    shop = db.session.get(Shop, shop_id)
    assert shop is not None, f"shop {shop_id} does not exist"
    today = datetime.now(ZoneInfo(shop.iana_timezone or "UTC")).date()
    run = ModelRun(shop_id=shop_id, status="running", observation_end=today, started_at=utcnow())
    db.session.add(run)
    db.session.commit()
    try:
        _compute(shop, run, today)
        crm_facts.rebuild(db.session, shop_id)  # RFM and prediction columns of every customer
    except Exception as exc:
        db.session.rollback()
        log.exception("insights recompute failed", extra={"shop_id": shop_id})
        run = db.session.get(ModelRun, run.id) or run
        run.status, run.error, run.finished_at = "failed", f"{type(exc).__name__}: {exc}", utcnow()
    db.session.commit()
    return run


def _compute(shop: Shop, run: ModelRun, today: date) -> None:
    keys, days, amounts = _orders(shop.id)
    summary = summarize(keys, days, amounts, observation_end=np.datetime64(today), time_unit_days=7.0)
    n_repeat = int((summary.frequency > 0).sum())
    history = int((np.datetime64(today) - days.min()).astype(int)) + 1 if len(days) else 0
    run.n_customers, run.n_repeat_buyers = len(summary.customer_ids), n_repeat
    minimum = int(_setting(shop, "insights_min_repeat_buyers", MIN_REPEAT_BUYERS))
    min_days = int(_setting(shop, "insights_min_history_days", MIN_HISTORY_DAYS))
    economics = {"margin": _setting(shop, "margin", 1.0),
                 "monthly_discount_rate": _setting(shop, "monthly_discount_rate", 0.01)}
    fit: models.Fitted | None = None
    if n_repeat < minimum or history < min_days:
        run.status = "not_enough_data"
        run.error = (f"{n_repeat} repeat buyers and {history} days of history; the models need at least "
                     f"{minimum} repeat buyers and {min_days} days.")
    else:
        try:
            fit = models.fit(summary)
        except models.FitFailed as exc:
            run.status, run.error = "failed", str(exc)
    predicted = models.predict(fit, summary, today, **economics) if fit else None
    if fit:
        run.status, run.log_likelihood = "succeeded", fit.log_likelihood
        run.params = {**fit.params, **economics}
    report = holdout.evaluate(keys, days, observation_end=np.datetime64(today),
                              min_repeat_buyers=minimum, min_history_days=min_days)
    run.quality = {k: models.clean(v) for k, v in asdict(report).items()
                   if k not in ("customer_ids", "predicted", "actual", "baseline")}
    rows = _rows(shop.id, run.id, today, summary, predicted)
    run.summary = {"rfm": models.rfm_summary(rows), "cohorts": _cohorts(shop.id, today),
                   "predictions": models.distributions(rows) if fit else None}
    db.session.execute(delete(CustomerPrediction).where(CustomerPrediction.shop_id == shop.id))
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    for r in rows:  # the sqlite3 driver's date adapter is deprecated: hand it ISO text
        if sqlite and r["next_order_at"] is not None:
            r["next_order_at"] = r["next_order_at"].isoformat()
    raw_sql.insert_many("customer_predictions", COLUMNS, [tuple(r[c] for c in COLUMNS) for r in rows])
    run.finished_at = utcnow()


def _rows(shop_id: int, run_id: int, today: date, summary: Any,
          predicted: dict[str, np.ndarray] | None) -> list[dict[str, Any]]:
    """One row per customer: buyers from customer_stats, then customers without orders (prospects)."""
    shop = int(shop_id)
    stats = raw_sql.fetch_all("SELECT customer_key, last_order_date, lifetime_orders, net_sales "  # noqa: S608
                              f"FROM customer_stats WHERE shop_id = {shop}")
    ids = dict(raw_sql.fetch_all("SELECT shopify_gid, id FROM customers "  # noqa: S608
                                 f"WHERE shop_id = {shop} AND deleted_at IS NULL"))
    buyers = {s[0] for s in stats}
    prospects = [gid for gid in ids if gid not in buyers]
    last = np.array([str(s[1]) for s in stats], dtype="datetime64[D]")
    recency = (np.datetime64(today) - last).astype(np.int64).tolist() + [np.nan] * len(prospects)
    orders = [s[2] for s in stats] + [0] * len(prospects)
    spend = [s[3] / MONEY_SCALE for s in stats] + [0.0] * len(prospects)
    scores = rfm.score(recency, orders, spend)
    position = {k: i for i, k in enumerate(summary.customer_ids.tolist())}
    keys = [s[0] for s in stats] + prospects
    values = models.customer_values(predicted, [position.get(k) for k in keys])
    r, f, m, fm, group = (a.tolist() for a in (scores.r, scores.f, scores.m, scores.fm, scores.group))
    n = len(stats)
    return [{"shop_id": shop_id, "model_run_id": run_id, "customer_key": key, "customer_id": ids.get(key),
             "orders": int(orders[i]), "net_sales": int(stats[i][3]) if i < n else 0,
             "recency_days": int(recency[i]) if i < n else None,
             "r": r[i], "f": f[i], "m": m[i], "fm": fm[i], "rfm_group": group[i], **values[i]}
            for i, key in enumerate(keys)]
