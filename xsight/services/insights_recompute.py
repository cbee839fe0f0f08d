"""Recompute a shop's insights: BG/NBD + Gamma-Gamma predictions, RFM, cohorts and holdout quality."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import text
from threadpoolctl import threadpool_limits

from xsight.analytics import cohorts, holdout, rfm
from xsight.analytics.transactions import summarize
from xsight.db_setup import sqlite_page_cache
from xsight.extensions import db
from xsight.models import Shop
from xsight.models.prediction import ModelRun
from xsight.models.types import MONEY_SCALE, utcnow
from xsight.ops import metrics
from xsight.services import insights_models as models
from xsight.services import prediction_store, raw_sql

log = logging.getLogger(__name__)
MIN_REPEAT_BUYERS = 200  # issue 6: below this (or MIN_HISTORY_DAYS) the shop gets "not enough data"
MIN_HISTORY_DAYS = 90
RECOMPUTE_WORK_MEM = "64MB"  # PostgreSQL, this transaction only
SQLITE_RECOMPUTE_CACHE_KB = 131_072  # page cache of the recomputing connection, for the recompute only
EPOCH = 719_163  # date(1970, 1, 1).toordinal()
COLUMNS = ("shop_id", "model_run_id", "customer_key", "customer_id", "orders", "net_sales", "recency_days",
           "p_alive", "expected_30d", "expected_90d", "clv_12m", "next_order_at", "churn_risk", "r", "f", "m",
           "fm", "rfm_group")


def _setting(shop: Shop, name: str, default: float) -> float:
    value = (shop.settings or {}).get(name, default)
    return float(value) if isinstance(value, int | float) else default


@dataclass(frozen=True)
class Buyers:
    """Lifecycle-qualifying customer days (sorted by customer, then day) and each customer's first row."""

    names: np.ndarray  # customer key per customer
    code: np.ndarray  # customer number (0..) per row
    day: np.ndarray  # date.toordinal() per row
    orders: np.ndarray
    net: np.ndarray  # 1/10,000 units
    starts: np.ndarray

    @property
    def dates(self) -> np.ndarray:
        return (self.day - EPOCH).astype("datetime64[D]")


def _buyers(shop_id: int) -> Buyers:
    """Read the shop's customer days with lifecycle-qualifying orders (one row per customer and day).

    One grouped read along the (shop, customer key, day) index on both backends: per customer key, in key
    order, its row count and its days packed in one string ("day,orders,net,day,..."), which numpy parses
    in one call, so ~200k rows reach Python instead of ~950k (decision 035). One statement: keys and days
    come from one state of the table even on SQLite, where reads outside a transaction do not share one.
    """
    concat = "group_concat"
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"SET LOCAL work_mem = '{RECOMPUTE_WORK_MEM}'"))  # in case it sorts
        db.session.execute(text("SET LOCAL jit = off"))  # compiling costs more than this plan saves
        concat = "string_agg"
    return _unpack(raw_sql.fetch_all(
        f"SELECT customer_key, count(*), {concat}(day_number || ',' || lq_orders || ',' || lq_net, ',') "  # noqa: S608
        f"FROM customer_days WHERE shop_id = {int(shop_id)} AND lq_orders > 0 "
        "GROUP BY customer_key ORDER BY customer_key"))


def _unpack(rows: list[tuple[Any, ...]]) -> Buyers:
    """Buyers from (customer key, number of days, packed days) rows in key order.

    Neither backend promises the order in which the aggregate visits a customer's days (it follows the
    index in these plans): days found out of order are sorted, so the result never depends on the plan.
    """
    if not rows:
        return _no_buyers()
    names, counts, packed = zip(*rows, strict=True)
    table = np.fromstring(",".join(packed), dtype=np.int64, sep=",").reshape(-1, 3)
    sizes = np.array(counts, dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    code = np.repeat(np.arange(len(sizes)), sizes)
    back = np.flatnonzero(np.diff(table[:, 0]) <= 0)  # a day not after the row before it
    if np.any(code[back] == code[back + 1]):
        table = table[np.lexsort((table[:, 0], code))]
    return Buyers(np.array(names, dtype=object), code, table[:, 0], table[:, 1], table[:, 2], starts)


def _no_buyers() -> Buyers:
    empty = np.zeros(0, dtype=np.int64)
    return Buyers(np.array([], dtype=object), empty, empty, empty, empty, empty)


def _cohorts(b: Buyers, today: date) -> dict[str, Any]:
    """Cohorts from customer months: each month row stands for min(orders, 2) orders (k = 0 needs 2)."""
    month = b.dates.astype("datetime64[M]")
    new = np.ones(len(month), dtype=bool)
    new[1:] = (b.code[1:] != b.code[:-1]) | (month[1:] != month[:-1])
    first = np.flatnonzero(new)
    orders, net = (np.add.reduceat(a, first) if len(first) else a[:0] for a in (b.orders, b.net))
    # One row per customer month, followed by a zero-amount copy when the month has two orders or more.
    copies = 1 + (orders >= 2)
    row = np.repeat(np.arange(len(first)), copies)
    second = np.zeros(len(row), dtype=bool)
    second[1:] = row[1:] == row[:-1]
    amounts = np.where(second, 0.0, net[row] / MONEY_SCALE)
    table = cohorts.cohort_table(b.code[first][row], month[first][row].astype("datetime64[D]"), amounts,
                                 observation_end=np.datetime64(today))
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
    # SQLite: two passes over ~10^6 customer days and 2 x 200k prediction rows: keep the pages.
    with sqlite_page_cache(db.session, SQLITE_RECOMPUTE_CACHE_KB):
        try:
            # The fits call BLAS on 4x4 problems: a BLAS thread pool only spins (~0.5 s CPU per run).
            with threadpool_limits(limits=1, user_api="blas"):
                _compute(shop, run, today)
        except Exception as exc:
            db.session.rollback()
            log.exception("insights recompute failed", extra={"shop_id": shop_id})
            run = db.session.get(ModelRun, run.id) or run
            run.status, run.error, run.finished_at = "failed", f"{type(exc).__name__}: {exc}", utcnow()
    db.session.commit()
    return run


def _compute(shop: Shop, run: ModelRun, today: date) -> None:
    b = _buyers(shop.id)
    days = b.dates
    summary = summarize(b.code, days, b.net / MONEY_SCALE, observation_end=np.datetime64(today),
                        time_unit_days=7.0)
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
        started = time.perf_counter()
        try:
            fit = models.fit(summary)
        except models.FitFailed as exc:
            run.status, run.error = "failed", str(exc)
        finally:
            metrics.MODEL_FIT.labels("bgnbd_gamma_gamma").observe(time.perf_counter() - started)
    predicted = models.predict(fit, summary, today, **economics) if fit else None
    if fit:
        run.status, run.log_likelihood = "succeeded", fit.log_likelihood
        run.params = {**fit.params, **economics}
    rows, per_customer = _rows(shop.id, run.id, today, b, summary, predicted)
    stored: dict[str, Any] = {}

    def summaries() -> None:
        """Holdout check and page summaries: no database use (PostgreSQL runs this while COPY inserts)."""
        report = holdout.evaluate(b.code, days, observation_end=np.datetime64(today),
                                  min_repeat_buyers=minimum, min_history_days=min_days)
        stored["quality"] = {k: models.clean(v) for k, v in asdict(report).items()
                             if k not in ("customer_ids", "predicted", "actual", "baseline")}
        stored["summary"] = {"rfm": models.rfm_summary(*per_customer), "cohorts": _cohorts(b, today),
                             "predictions": models.distributions(rows) if fit else None}

    prediction_store.replace_rows(shop.id, COLUMNS, rows, meanwhile=summaries)
    run.quality, run.summary = stored["quality"], stored["summary"]
    run.finished_at = utcnow()


def _rows(shop_id: int, run_id: int, today: date, b: Buyers, summary: Any,
          predicted: dict[str, np.ndarray] | None) -> tuple[dict[str, list[Any]], tuple[np.ndarray, ...]]:
    """Columns of one row per customer: buyers, then customers without orders (prospects).

    Also returns (group, recency days or -1, net sales, R, FM) arrays for the RFM summary.
    """
    ids = dict(raw_sql.fetch_all("SELECT shopify_gid, id FROM customers "  # noqa: S608
                                 f"WHERE shop_id = {int(shop_id)} AND deleted_at IS NULL"))
    buyers = b.names.tolist()
    known = set(buyers)
    prospects = [gid for gid in ids if gid not in known]
    ends = np.append(b.starts[1:], len(b.day)) - 1
    recency = today.toordinal() - b.day[ends] if len(b.starts) else np.zeros(0, dtype=np.int64)
    orders = np.add.reduceat(b.orders, b.starts) if len(b.starts) else recency
    net = np.add.reduceat(b.net, b.starts) if len(b.starts) else recency
    pad = np.zeros(len(prospects), dtype=np.int64)
    all_orders, all_net = np.concatenate([orders, pad]), np.concatenate([net, pad])
    all_recency = np.concatenate([recency, pad - 1])
    scores = rfm.score(np.where(all_recency >= 0, all_recency, np.nan), all_orders, all_net / MONEY_SCALE)
    index = np.full(len(buyers) + len(prospects), -1, dtype=np.int64)
    index[summary.customer_ids.astype(np.int64)] = np.arange(len(summary.customer_ids))
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    keys = buyers + prospects
    n = len(keys)
    cols: dict[str, list[Any]] = {
        "shop_id": [shop_id] * n, "model_run_id": [run_id] * n, "customer_key": keys,
        "customer_id": [ids.get(k) for k in keys], "orders": all_orders.tolist(),
        "net_sales": all_net.tolist(),
        "recency_days": models.with_none(all_recency.tolist(), all_recency < 0),
        **models.customer_columns(predicted, index, iso_dates=sqlite),
        "r": scores.r.tolist(), "f": scores.f.tolist(), "m": scores.m.tolist(), "fm": scores.fm.tolist(),
        "rfm_group": scores.group.tolist()}
    return cols, (scores.group, all_recency, all_net, scores.r, scores.fm)
