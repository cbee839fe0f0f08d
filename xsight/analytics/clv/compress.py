"""Collapse identical (frequency, recency, T) rows into weighted rows for fast fitting."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from xsight.analytics.clv._inputs import frequency_recency_T


def compress_rows(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Return the distinct (frequency, recency, T) rows and how many customers share each one."""
    x, t_x, t = frequency_recency_T(frequency, recency, T)
    rows, counts = np.unique(np.column_stack((x, t_x, t)), axis=0, return_counts=True)
    return rows[:, 0].copy(), rows[:, 1].copy(), rows[:, 2].copy(), counts.astype(np.float64)
