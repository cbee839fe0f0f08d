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
from datetime import date
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


def customer_columns(predicted: dict[str, np.ndarray] | None, index: np.ndarray, *, iso_dates: bool
                     ) -> dict[str, list[Any]]:
    """Return each customer's prediction columns; index[i] is the summary row of customer i, -1 for none."""
    n = len(index)
    names = ("p_alive", "expected_30d", "expected_90d", "clv_12m", "next_order_at", "churn_risk")
    if predicted is None:
        return {name: [None] * n for name in names}
    have = index >= 0
    at = np.maximum(index, 0)
    cols: dict[str, list[Any]] = {}
    for name in names[:4]:
        values = predicted[name][at] if len(predicted[name]) else np.full(n, np.nan)
        ok = have & np.isfinite(values)
        # numpy's rint(x * 1e6) / 1e6 can differ from round(x, 6) in the last binary digit only.
        cols[name] = with_none(np.round(np.where(ok, values, 0.0), 6).tolist(), ~ok)
    today = np.datetime64(date.fromordinal(int(predicted["today"][0])), "D")
    waits = predicted["wait_days"][at] if len(at) and len(predicted["wait_days"]) else np.full(n, np.nan)
    ok = have & np.isfinite(waits)
    when = today + np.round(np.where(ok, waits, 0)).astype(np.int64)
    days = np.datetime_as_string(when, unit="D") if iso_dates else when.astype(object)  # ISO = isoformat()
    cols["next_order_at"] = with_none(days.tolist(), ~ok)
    risks = predicted["churn_risk"][at].tolist() if len(predicted["churn_risk"]) else [None] * n
    cols["churn_risk"] = with_none(risks, ~have)
    return cols


def with_none(values: list[Any], missing: np.ndarray) -> list[Any]:
    """Return `values` with None where `missing` is true (few places: patched one by one)."""
    for i in np.flatnonzero(missing).tolist():
        values[i] = None
    return values


def _money(value: float) -> str:
    return str(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def rfm_summary(group: np.ndarray, recency_days: np.ndarray, net_sales: np.ndarray, r: np.ndarray,
                fm: np.ndarray) -> dict[str, Any]:
    """Return the group table (size, share, average net sales and recency) and the R x FM grid.

    recency_days is negative for customers without orders (prospects); net_sales is in 1/10,000 units.
    """
    total = len(group) or 1
    table = []
    for name in rfm.GROUPS:
        members = group == name
        size = int(members.sum())
        recent = members & (recency_days >= 0)
        n_recent = int(recent.sum())
        table.append({
            "group": name, "label": rfm.LABELS[name], "customers": size, "share": round(size / total, 4),
            "avg_net_sales": _money(int(net_sales[members].sum()) / MONEY_SCALE / size) if size else None,
            "avg_recency_days": round(int(recency_days[recent].sum()) / n_recent, 1) if n_recent else None})
    grid = rfm.r_fm_grid(r, fm)
    return {"groups": table, "grid": {"rows_r": [1, 2, 3, 4, 5], "columns_fm": [1, 2, 3, 4, 5],
                                      "counts": grid.tolist()}, "customers": len(group)}


def _histogram(values: list[float], upper: float) -> list[dict[str, Any]]:
    edges = np.linspace(0.0, upper, BINS + 1)
    counts, _ = np.histogram(np.clip(values, 0.0, upper), bins=edges)
    return [{"from": round(float(edges[i]), 4), "to": round(float(edges[i + 1]), 4), "customers": int(c)}
            for i, c in enumerate(counts)]


def distributions(cols: dict[str, list[Any]]) -> dict[str, Any]:
    """Return P(alive) and 12-month CLV histograms and churn-risk band counts (from customer_columns)."""
    scored = [i for i, p in enumerate(cols["p_alive"]) if p is not None]
    clv = [cols["clv_12m"][i] for i in scored if cols["clv_12m"][i] is not None]
    top = float(np.quantile(clv, 0.99)) if clv else 0.0
    risks = [cols["churn_risk"][i] for i in scored]
    return {"customers": len(scored),
            "p_alive": _histogram([cols["p_alive"][i] for i in scored], 1.0),
            "clv_12m": _histogram(clv, top if top > 0 else 1.0) if clv else [],
            "churn_risk": {band: risks.count(band) for band in ("low", "medium", "high")}}
