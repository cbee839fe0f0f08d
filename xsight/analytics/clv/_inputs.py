"""Validate the per-customer arrays the CLV models take."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from xsight.analytics._arrays import as_float_array, check_same_length
from xsight.analytics.errors import InvalidInputError

FloatArray = NDArray[np.float64]


def frequency_recency_T(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return validated (frequency, recency, T) arrays or raise InvalidInputError."""
    x = as_float_array("frequency", frequency)
    t_x = as_float_array("recency", recency)
    t = as_float_array("T", T)
    check_same_length(frequency=x, recency=t_x, T=t)
    _first_bad("frequency", x < 0, x, "must not be negative")
    _first_bad("frequency", x != np.round(x), x, "must be whole numbers of repeat purchases")
    _first_bad("recency", t_x < 0, t_x, "must not be negative")
    _first_bad("T", t < 0, t, "must not be negative")
    _first_bad("recency", t_x > t * (1 + 1e-12), t_x, "must not exceed T")
    _first_bad("recency", (x == 0) & (t_x > 0), t_x, "must be 0 when frequency is 0")
    return x, t_x, t


def weights_for(weights: ArrayLike | None, n: int) -> FloatArray:
    """Return validated row weights (counts of identical rows); all ones when ``weights`` is None."""
    if weights is None:
        return np.ones(n)
    w = as_float_array("weights", weights)
    if len(w) != n:
        raise InvalidInputError(f"weights must have one entry per customer row; got {len(w)} for {n} rows.")
    _first_bad("weights", w < 0, w, "must not be negative")
    if not w.sum() > 0:
        raise InvalidInputError("weights must not all be zero.")
    return w


def _first_bad(name: str, bad: NDArray[np.bool_], values: FloatArray, rule: str) -> None:
    """Raise InvalidInputError naming the first row where ``bad`` holds."""
    if bad.any():
        i = int(np.argmax(bad))
        raise InvalidInputError(f"{name} {rule}; row {i} has {name}={values[i]!r}.")
