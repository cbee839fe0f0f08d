"""Judge BG/NBD on a shop's own history: calibrate, predict the held-out last part, compare to a baseline."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from xsight.analytics._arrays import DayLike, check_same_length, to_day_number, to_day_numbers
from xsight.analytics.clv import BetaGeo, ConvergenceError, compress_rows
from xsight.analytics.errors import InvalidInputError
from xsight.analytics.transactions import summarize

# Below these a shop gets "not enough data" instead of a score (issue #6: 200 repeat buyers, 90 days).
MIN_REPEAT_BUYERS = 200
MIN_HISTORY_DAYS = 90
HOLDOUT_FRACTION = 0.25

Status = Literal["ok", "not_enough_data", "fit_failed"]


@dataclass(frozen=True, eq=False)
class HoldoutReport:
    """Predicted vs actual repeat purchase days per calibration customer in the holdout period."""

    status: Status
    reason: str | None = None
    calibration_end: str | None = None
    observation_end: str | None = None
    holdout_days: int = 0
    n_customers: int = 0
    n_repeat_buyers: int = 0
    params: dict[str, float] = field(default_factory=dict)
    predicted_total: float = float("nan")
    actual_total: float = float("nan")
    baseline_total: float = float("nan")
    mae: float = float("nan")
    baseline_mae: float = float("nan")
    correlation: float | None = None
    baseline_correlation: float | None = None
    customer_ids: np.ndarray = field(default_factory=lambda: np.zeros(0))
    predicted: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    actual: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    baseline: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))


def evaluate(
    customer_ids: ArrayLike,
    timestamps: ArrayLike,
    *,
    observation_end: DayLike,
    holdout_fraction: float = HOLDOUT_FRACTION,
    time_unit_days: float = 7.0,
    penalizer_coef: float = 0.0,
    model: type[BetaGeo] = BetaGeo,
    min_repeat_buyers: int = MIN_REPEAT_BUYERS,
    min_history_days: int = MIN_HISTORY_DAYS,
    tz: str | None = None,
) -> HoldoutReport:
    """Fit BG/NBD on all but the last ``holdout_fraction`` of the history and score its holdout forecast.

    The naive baseline repeats each customer's calibration rate (frequency / T) over the holdout;
    ``model=ModifiedBetaGeo`` judges MBG/NBD instead.
    """
    if not 0 < holdout_fraction < 1:
        raise InvalidInputError(f"holdout_fraction must be between 0 and 1; got {holdout_fraction}.")
    ids = np.asarray(customer_ids)
    days = to_day_numbers(timestamps, tz=tz)
    check_same_length(customer_ids=ids, timestamps=days)
    end = to_day_number(observation_end, tz=tz)
    keep = days <= end
    ids, days = ids[keep], days[keep]
    end_label = str(np.datetime64(end, "D"))
    if len(days) == 0:
        return HoldoutReport("not_enough_data", "The shop has no orders yet.", observation_end=end_label)
    span = end - int(days.min()) + 1
    if span < min_history_days:
        return HoldoutReport(
            "not_enough_data", f"Only {span} days of order history; at least {min_history_days} are needed.",
            observation_end=end_label,
        )
    holdout_days = max(1, round(span * holdout_fraction))
    cal_end = end - holdout_days
    base = HoldoutReport(
        "ok", calibration_end=str(np.datetime64(cal_end, "D")), observation_end=end_label,
        holdout_days=holdout_days,
    )
    cal = summarize(
        ids, days.astype("datetime64[D]"), np.zeros(len(ids)),
        observation_end=np.datetime64(cal_end, "D"), time_unit_days=time_unit_days,
    )
    base = replace(base, n_customers=len(cal), n_repeat_buyers=int((cal.frequency > 0).sum()))
    if base.n_repeat_buyers < min_repeat_buyers:
        reason = (
            f"Only {base.n_repeat_buyers} customers bought again before {base.calibration_end}; at least "
            f"{min_repeat_buyers} are needed to fit the model."
        )
        return replace(base, status="not_enough_data", reason=reason)
    try:
        fitted = model(penalizer_coef=penalizer_coef).fit(*compress_rows(cal.frequency, cal.recency, cal.T))
    except ConvergenceError as exc:
        return replace(base, status="fit_failed", reason=str(exc))

    horizon = holdout_days / time_unit_days
    predicted = fitted.conditional_expected_purchases(horizon, cal.frequency, cal.recency, cal.T)
    rate = np.divide(cal.frequency, cal.T, out=np.zeros(len(cal)), where=cal.T > 0)
    baseline = rate * horizon
    actual = _holdout_purchase_days(cal.customer_ids, ids, days, cal_end, end)
    return replace(
        base, params=dict(fitted.params_), predicted_total=float(predicted.sum()),
        actual_total=float(actual.sum()), baseline_total=float(baseline.sum()),
        mae=float(np.abs(predicted - actual).mean()), baseline_mae=float(np.abs(baseline - actual).mean()),
        correlation=_pearson(predicted, actual), baseline_correlation=_pearson(baseline, actual),
        customer_ids=cal.customer_ids, predicted=predicted, actual=actual, baseline=baseline,
    )


def _holdout_purchase_days(
    cal_ids: np.ndarray, ids: np.ndarray, days: NDArray[np.int64], cal_end: int, end: int
) -> NDArray[np.float64]:
    """Return each calibration customer's number of distinct purchase days in (cal_end, end]."""
    later = (days > cal_end) & (days <= end)
    pos = np.searchsorted(cal_ids, ids[later])
    pos_ok = np.minimum(pos, len(cal_ids) - 1)
    known = (pos < len(cal_ids)) & (cal_ids[pos_ok] == ids[later])
    who, when = pos_ok[known], days[later][known]
    step = np.diff(who)
    if bool(np.all((step > 0) | ((step == 0) & (np.diff(when) >= 0)))):  # (customer, day) order: no sort
        first = np.ones(len(who), dtype=bool)
        first[1:] = (step != 0) | (np.diff(when) != 0)
        return np.bincount(who[first], minlength=len(cal_ids)).astype(np.float64)
    pairs = np.unique(np.column_stack((who, when)), axis=0)
    return np.bincount(pairs[:, 0], minlength=len(cal_ids)).astype(np.float64)


def _pearson(a: NDArray[np.float64], b: NDArray[np.float64]) -> float | None:
    """Return Pearson's correlation, or None when either side is constant."""
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])
