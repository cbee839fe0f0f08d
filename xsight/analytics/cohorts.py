"""Build an acquisition-month cohort table of retention and revenue per customer (METRICS.md §1.4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from xsight.analytics._arrays import (
    DayLike,
    as_float_array,
    check_same_length,
    to_day_number,
    to_day_numbers,
    unique_inverse,
)
from xsight.analytics.errors import InvalidInputError

Cell = float | None


@dataclass(frozen=True)
class CohortTable:
    """Rows are cohorts (first-order month), columns offsets k = 0, 1, ... months; None = not observed."""

    cohorts: list[str]
    sizes: list[int]
    active_customers: list[list[int | None]]
    orders: list[list[int | None]]
    retention: list[list[Cell]]
    cumulative_revenue_per_customer: list[list[Cell]]
    partial: list[list[bool]]
    current_month: str
    current_month_complete: bool


def cohort_table(
    customer_ids: ArrayLike,
    timestamps: ArrayLike,
    amounts: ArrayLike,
    *,
    observation_end: DayLike,
    include_partial: bool = False,
    tz: str | None = None,
) -> CohortTable:
    """Return the cohort table of one row per order (lifecycle-qualifying orders, order-attributed amounts).

    Retention at k >= 1 is the share of the cohort with an order in month c + k; at k = 0 it is the share
    with at least two orders in the acquisition month. Cells of months after ``observation_end`` are None;
    cells of the month containing ``observation_end`` are None too unless that month is complete or
    ``include_partial`` is true, in which case they hold the month-to-date value and ``partial`` marks them.
    """
    ids = np.asarray(customer_ids)
    if ids.ndim != 1:
        raise InvalidInputError(f"customer_ids must be one-dimensional; got shape {ids.shape}.")
    days = to_day_numbers(timestamps, tz=tz)
    money = as_float_array("amounts", amounts)
    check_same_length(customer_ids=ids, timestamps=days, amounts=money)
    end_day = to_day_number(observation_end, tz=tz)
    end_month = _month_of(np.array([end_day]))[0]
    complete = _month_of(np.array([end_day + 1]))[0] != end_month

    keep = days <= end_day
    ids, months, money = ids[keep], _month_of(days[keep]), money[keep]
    if len(ids) == 0:
        return CohortTable([], [], [], [], [], [], [], _label(end_month), bool(complete))
    _, cust = unique_inverse(ids)
    m0 = int(months.min())
    width = end_month - m0 + 1
    pair_key, pair_index = unique_inverse(cust.astype(np.int64) * width + (months - m0))
    pair_orders = np.bincount(pair_index, minlength=len(pair_key))
    pair_revenue = np.bincount(pair_index, weights=money, minlength=len(pair_key))
    pair_cust, pair_month = pair_key // width, pair_key % width
    first_of_cust = np.flatnonzero(np.r_[True, pair_cust[1:] != pair_cust[:-1]])
    cohort_month = pair_month[first_of_cust]
    cohort_values, cohort_of_cust, sizes = np.unique(cohort_month, return_inverse=True, return_counts=True)

    k = pair_month - cohort_month[pair_cust]
    cell = cohort_of_cust[pair_cust] * width + k
    n_cells = len(cohort_values) * width
    active_flag = np.where(k == 0, pair_orders >= 2, pair_orders >= 1)
    active = np.bincount(cell, weights=active_flag, minlength=n_cells).reshape(-1, width)
    orders = np.bincount(cell, weights=pair_orders, minlength=n_cells).reshape(-1, width)
    revenue = np.bincount(cell, weights=pair_revenue, minlength=n_cells).reshape(-1, width)
    cum_revenue = np.cumsum(revenue, axis=1)

    cell_month = cohort_values[:, None] + np.arange(width)[None, :] + m0
    is_current = cell_month == end_month
    shown = (cell_month < end_month) | (is_current & (complete or include_partial))
    size_col = sizes[:, None].astype(np.float64)
    return CohortTable(
        cohorts=[_label(int(c) + m0) for c in cohort_values],
        sizes=[int(s) for s in sizes],
        active_customers=_masked_counts(active, shown),
        orders=_masked_counts(orders, shown),
        retention=_masked(active / size_col, shown),
        cumulative_revenue_per_customer=_masked(cum_revenue / size_col, shown),
        partial=(is_current & shown & (not complete)).tolist(),
        current_month=_label(end_month),
        current_month_complete=bool(complete),
    )


def _month_of(days: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return months since 1970-01 for days since 1970-01-01."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _label(month: int) -> str:
    """Return the "YYYY-MM" label of a month counted from 1970-01."""
    return str(np.datetime64(int(month), "M"))


def _masked(values: NDArray[np.float64], shown: NDArray[np.bool_]) -> list[list[Cell]]:
    """Return ``values`` as nested lists of floats with None where ``shown`` is false."""
    rows = zip(values.tolist(), shown.tolist(), strict=True)
    return [[float(v) if s else None for v, s in zip(row, m, strict=True)] for row, m in rows]


def _masked_counts(values: NDArray[np.generic], shown: NDArray[np.bool_]) -> list[list[int | None]]:
    """Return ``values`` as nested lists of ints with None where ``shown`` is false."""
    rows = zip(values.tolist(), shown.tolist(), strict=True)
    return [[round(v) if s else None for v, s in zip(row, m, strict=True)] for row, m in rows]
