"""Collapse identical (frequency, recency, T) rows into weighted rows for fast fitting."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from xsight.analytics.clv._inputs import frequency_recency_T

FloatArray = NDArray[np.float64]


def compress_rows(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Return the distinct (frequency, recency, T) rows and how many customers share each one."""
    x, t_x, t = frequency_recency_T(frequency, recency, T)
    values, codes = zip(*(np.unique(col, return_inverse=True) for col in (x, t_x, t)), strict=True)
    sizes = [len(v) for v in values]
    if float(sizes[0]) * sizes[1] * sizes[2] >= 2.0**62:
        rows, counts = np.unique(np.column_stack((x, t_x, t)), axis=0, return_counts=True)
        return rows[:, 0].copy(), rows[:, 1].copy(), rows[:, 2].copy(), counts.astype(np.float64)
    key = (codes[0].astype(np.int64) * sizes[1] + codes[1]) * sizes[2] + codes[2]
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    return x[first], t_x[first], t[first], counts.astype(np.float64)
