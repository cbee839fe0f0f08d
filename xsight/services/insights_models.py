"""Fit and apply the per-shop models, and summarise per-customer results for the analytics pages.

Rules (docs/decisions/031-insights.md): churn risk is P(alive) for repeat buyers and, for one-time buyers
(whom BG/NBD always calls alive), the share of a brand-new customer's 90-day expected purchases they still
have; high below 0.3, medium below 0.7. The expected next order is today + 1 / E[lambda | x, T] (the
posterior mean purchase rate of an active customer; Poisson waiting times are memoryless), left empty for
high-risk customers or waits over two years.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from xsight.analytics import rfm
from xsight.analytics.clv import BetaGeo, ConvergenceError, GammaGamma, compress_rows
from xsight.analytics.errors import AnalyticsError
from xsight.models.types import MONEY_SCALE

PENALIZER = 1e-4  # docs/analytics.md: refit once with this on ConvergenceError
HIGH_RISK, MEDIUM_RISK = 0.3, 0.7
MAX_WAIT_DAYS = 730
WEEK = 7.0
BINS = 10


class FitFailed(Exception):
    """BG/NBD did not converge, even penalised."""


@dataclass
class Fitted:
    """The fitted models of one run."""

    bg: BetaGeo
    gg: GammaGamma | None
    params: dict[str, Any]
    log_likelihood: float


def fit(s: Any) -> Fitted:
    """Fit BG/NBD (penalised retry) and Gamma-Gamma on repeat buyers (None when it cannot)."""
    rows = compress_rows(s.frequency, s.recency, s.T)
    penalizer = 0.0
    try:
        bg = BetaGeo().fit(*rows)
    except ConvergenceError:
        penalizer = PENALIZER
        try:
            bg = BetaGeo(penalizer_coef=PENALIZER).fit(*rows)
        except ConvergenceError as exc:
            raise FitFailed(f"BG/NBD did not converge, even with penalizer {PENALIZER}: {exc}") from exc
    repeat = (s.frequency > 0) & (s.monetary_value > 0)
    gg: GammaGamma | None = None
    gg_error = None
    try:
        gg = GammaGamma().fit(s.frequency[repeat], s.monetary_value[repeat])
    except AnalyticsError as exc:
        gg_error = str(exc)
    params = {"bg": clean(bg.params_), "gg": clean(gg.params_) if gg else None, "gg_error": gg_error,
              "penalizer": penalizer, "time_unit_days": WEEK}
    return Fitted(bg, gg, params, bg.log_likelihood_)


def predict(f: Fitted, s: Any, today: date, *, margin: float, monthly_discount_rate: float
            ) -> dict[str, np.ndarray]:
    """Return per-customer arrays aligned with the summary's customer_ids."""
    x, t_x, t = s.frequency, s.recency, s.T
    p_alive = f.bg.conditional_probability_alive(x, t_x, t)
    e30 = f.bg.conditional_expected_purchases(30 / WEEK, x, t_x, t)
    e90 = f.bg.conditional_expected_purchases(90 / WEEK, x, t_x, t)
    fresh = float(np.asarray(f.bg.expected_purchases(90 / WEEK)).ravel()[0])
    score = np.where(x > 0, p_alive, np.clip(e90 / fresh, 0, 1) if fresh > 0 else 0.0)
    risk = np.where(score < HIGH_RISK, "high", np.where(score < MEDIUM_RISK, "medium", "low"))
    clv = np.full(len(x), np.nan)
    if f.gg is not None:
        with contextlib.suppress(AnalyticsError):
            clv = f.gg.customer_lifetime_value(f.bg, x, t_x, t, s.monetary_value, months=12,
                                               monthly_discount_rate=monthly_discount_rate, margin=margin,
                                               time_unit_days=WEEK)
    p = f.bg.params_
    wait_days = (p["alpha"] + t) / (p["r"] + x) * WEEK
    wait = np.where((risk != "high") & (wait_days <= MAX_WAIT_DAYS), wait_days, np.nan)
    return {"p_alive": p_alive, "expected_30d": e30, "expected_90d": e90, "clv_12m": clv,
            "wait_days": wait, "churn_risk": risk, "today": np.array([today.toordinal()])}


def clean(value: Any) -> Any:
    """Return `value` fit for JSON: NaN and infinities become None, also inside dicts."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def customer_values(predicted: dict[str, np.ndarray] | None, index: list[int | None]) -> list[dict[str, Any]]:
    """Return each customer's prediction columns (all None without a model or without orders)."""
    empty = {"p_alive": None, "expected_30d": None, "expected_90d": None, "clv_12m": None,
             "next_order_at": None, "churn_risk": None}
    if predicted is None:
        return [empty] * len(index)
    today = date.fromordinal(int(predicted["today"][0]))
    cols = {name: [None if not np.isfinite(v) else round(v, 6) for v in predicted[name].tolist()]
            for name in ("p_alive", "expected_30d", "expected_90d", "clv_12m")}
    waits = [None if not np.isfinite(w) else today + timedelta(days=round(w))
             for w in predicted["wait_days"].tolist()]
    risks = predicted["churn_risk"].tolist()
    return [empty if j is None else {
        "p_alive": cols["p_alive"][j], "expected_30d": cols["expected_30d"][j],
        "expected_90d": cols["expected_90d"][j], "clv_12m": cols["clv_12m"][j],
        "next_order_at": waits[j], "churn_risk": risks[j]} for j in index]


def _money(value: float) -> str:
    return str(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def rfm_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the group table (size, share, average net sales and recency) and the R x FM grid."""
    total = len(rows) or 1
    table = []
    for group in rfm.GROUPS:
        members = [r for r in rows if r["rfm_group"] == group]
        recency = [r["recency_days"] for r in members if r["recency_days"] is not None]
        table.append({
            "group": group, "label": rfm.LABELS[group], "customers": len(members),
            "share": round(len(members) / total, 4),
            "avg_net_sales": _money(sum(r["net_sales"] for r in members) / MONEY_SCALE / len(members))
            if members else None,
            "avg_recency_days": round(sum(recency) / len(recency), 1) if recency else None})
    grid = rfm.r_fm_grid([r["r"] for r in rows], [r["fm"] for r in rows])
    return {"groups": table, "grid": {"rows_r": [1, 2, 3, 4, 5], "columns_fm": [1, 2, 3, 4, 5],
                                      "counts": grid.tolist()}, "customers": len(rows)}


def _histogram(values: list[float], upper: float) -> list[dict[str, Any]]:
    edges = np.linspace(0.0, upper, BINS + 1)
    counts, _ = np.histogram(np.clip(values, 0.0, upper), bins=edges)
    return [{"from": round(float(edges[i]), 4), "to": round(float(edges[i + 1]), 4), "customers": int(c)}
            for i, c in enumerate(counts)]


def distributions(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Return P(alive) and 12-month CLV histograms and churn-risk band counts."""
    scored = [r for r in rows if r["p_alive"] is not None]
    clv = [r["clv_12m"] for r in scored if r["clv_12m"] is not None]
    top = float(np.quantile(clv, 0.99)) if clv else 0.0
    return {"customers": len(scored),
            "p_alive": _histogram([r["p_alive"] for r in scored], 1.0),
            "clv_12m": _histogram(clv, top if top > 0 else 1.0) if clv else [],
            "churn_risk": {band: sum(1 for r in scored if r["churn_risk"] == band)
                           for band in ("low", "medium", "high")}}
