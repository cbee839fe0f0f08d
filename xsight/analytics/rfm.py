"""Score customers 1-5 on recency, frequency and monetary value and map them to Shopify's RFM groups."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from xsight.analytics._arrays import check_same_length
from xsight.analytics.errors import InvalidInputError

# Shopify's CustomerRfmGroup vocabulary (Admin GraphQL enum), in display order.
GROUPS = (
    "CHAMPIONS", "LOYAL", "ACTIVE", "NEW", "PROMISING", "NEEDS_ATTENTION",
    "ALMOST_LOST", "AT_RISK", "PREVIOUSLY_LOYAL", "DORMANT", "PROSPECTS",
)
LABELS = {g: g.replace("_", " ").capitalize() for g in GROUPS}

# Group of each (R, FM) cell, FM = round-half-up((F + M) / 2); rows R = 5..1, columns FM = 1..5.
# Shopify does not publish its cut-offs; this grid is ours (docs/decisions/010-rfm-scoring.md).
GRID = {
    5: ("NEW", "NEW", "ACTIVE", "CHAMPIONS", "CHAMPIONS"),
    4: ("PROMISING", "PROMISING", "ACTIVE", "LOYAL", "CHAMPIONS"),
    3: ("ALMOST_LOST", "ALMOST_LOST", "NEEDS_ATTENTION", "NEEDS_ATTENTION", "LOYAL"),
    2: ("ALMOST_LOST", "ALMOST_LOST", "AT_RISK", "AT_RISK", "PREVIOUSLY_LOYAL"),
    1: ("DORMANT", "DORMANT", "AT_RISK", "PREVIOUSLY_LOYAL", "PREVIOUSLY_LOYAL"),
}


@dataclass(frozen=True, eq=False)
class RfmScores:
    """Per-customer scores (0 for prospects) and group names, in input order."""

    r: NDArray[np.int8]
    f: NDArray[np.int8]
    m: NDArray[np.int8]
    fm: NDArray[np.int8]
    group: NDArray[np.str_]


def quintile_scores(values: ArrayLike, *, higher_is_better: bool = True) -> NDArray[np.int8]:
    """Return 1 + floor(5 * share of customers with a strictly worse value), so ties share a score."""
    v = np.asarray(values, dtype=np.float64)
    if len(v) == 0:
        return np.zeros(0, dtype=np.int8)
    key = v if higher_is_better else -v
    worse = np.searchsorted(np.sort(key), key, side="left")
    return (1 + (5 * worse) // len(v)).astype(np.int8)


def fm_score(f: ArrayLike, m: ArrayLike) -> NDArray[np.int8]:
    """Return FM = (F + M) / 2 rounded half up, as Shopify combines frequency and monetary value."""
    return ((np.asarray(f, dtype=np.int16) + np.asarray(m, dtype=np.int16) + 1) // 2).astype(np.int8)


def group_of(r: int, f: int, m: int) -> str:
    """Return the RFM group of one (R, F, M) cell with scores 1-5."""
    if not all(1 <= s <= 5 for s in (r, f, m)):
        raise InvalidInputError(f"R, F and M scores must be 1-5; got ({r}, {f}, {m}).")
    return GRID[r][(f + m + 1) // 2 - 1]


def score(recency_days: ArrayLike, orders: ArrayLike, monetary: ArrayLike) -> RfmScores:
    """Score every customer relative to the shop; customers with no orders are PROSPECTS with scores 0.

    ``recency_days`` is days since the last order (ignored, may be NaN, for prospects), ``orders`` the
    lifetime order count and ``monetary`` lifetime net spend.
    """
    days = np.asarray(recency_days, dtype=np.float64)
    count = np.asarray(orders, dtype=np.float64)
    spend = np.asarray(monetary, dtype=np.float64)
    check_same_length(recency_days=days, orders=count, monetary=spend)
    if not np.all(np.isfinite(count)) or np.any(count < 0):
        raise InvalidInputError("orders must be finite counts >= 0.")
    buyers = count > 0
    if not np.all(np.isfinite(days[buyers])) or not np.all(np.isfinite(spend[buyers])):
        raise InvalidInputError("recency_days and monetary must be finite for customers with orders.")
    if np.any(days[buyers] < 0):
        raise InvalidInputError("recency_days must not be negative.")
    n = len(count)
    r, f, m = (np.zeros(n, dtype=np.int8) for _ in range(3))
    r[buyers] = quintile_scores(days[buyers], higher_is_better=False)
    f[buyers] = quintile_scores(count[buyers])
    m[buyers] = quintile_scores(spend[buyers])
    fm = np.where(buyers, fm_score(f, m), 0).astype(np.int8)
    table = np.array([["PROSPECTS"] * 6] + [["PROSPECTS", *GRID[row]] for row in range(1, 6)])
    return RfmScores(r=r, f=f, m=m, fm=fm, group=table[r, fm])


def group_sizes(groups: ArrayLike) -> dict[str, int]:
    """Return the number of customers in each of the 11 groups (zeros included), in GROUPS order."""
    names, counts = np.unique(np.asarray(groups, dtype=str), return_counts=True)
    found = dict(zip(names.tolist(), counts.tolist(), strict=True))
    unknown = set(found) - set(GROUPS)
    if unknown:
        raise InvalidInputError(f"Unknown RFM groups: {sorted(unknown)}.")
    return {g: int(found.get(g, 0)) for g in GROUPS}


def r_fm_grid(r: ArrayLike, fm: ArrayLike) -> NDArray[np.int64]:
    """Return a 5 x 5 count matrix: row R - 1, column FM - 1 (prospects, scored 0, are left out)."""
    rr, ff = np.asarray(r, dtype=np.int64), np.asarray(fm, dtype=np.int64)
    keep = (rr > 0) & (ff > 0)
    return np.bincount((rr[keep] - 1) * 5 + ff[keep] - 1, minlength=25).reshape(5, 5)
