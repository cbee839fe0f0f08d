"""Summarise a transaction log into per-customer frequency, recency, T and monetary value."""

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


@dataclass(frozen=True, eq=False)
class CustomerSummary:
    """Per-customer RFM-style summary; every array has one entry per customer, in ``customer_ids`` order."""

    customer_ids: np.ndarray
    frequency: NDArray[np.float64]
    recency: NDArray[np.float64]
    T: NDArray[np.float64]
    monetary_value: NDArray[np.float64]
    first_day: NDArray[np.int64]
    last_day: NDArray[np.int64]
    time_unit_days: float

    def __len__(self) -> int:
        """Return the number of customers."""
        return len(self.customer_ids)


def summarize(
    customer_ids: ArrayLike,
    timestamps: ArrayLike,
    amounts: ArrayLike,
    *,
    observation_end: DayLike,
    time_unit_days: float = 7.0,
    tz: str | None = None,
) -> CustomerSummary:
    """Summarise purchases up to and including the day ``observation_end`` into one row per customer.

    Purchases on the same calendar day merge into one purchase day with summed amounts. ``frequency`` is
    the number of purchase days after the first, ``recency`` the time from the first to the last purchase
    day, ``T`` the time from the first purchase day to ``observation_end`` and ``monetary_value`` the mean
    amount of the repeat purchase days (0 without repeats), all times in units of ``time_unit_days``.
    """
    if not time_unit_days > 0:
        raise InvalidInputError(f"time_unit_days must be positive; got {time_unit_days}.")
    ids = np.asarray(customer_ids)
    if ids.ndim != 1:
        raise InvalidInputError(f"customer_ids must be one-dimensional; got shape {ids.shape}.")
    days = to_day_numbers(timestamps, tz=tz)
    money = as_float_array("amounts", amounts)
    check_same_length(customer_ids=ids, timestamps=days, amounts=money)
    end = to_day_number(observation_end, tz=tz)

    keep = days <= end
    ids, days, money = ids[keep], days[keep], money[keep]
    uniq_ids, cust = unique_inverse(ids)
    n = len(uniq_ids)
    if n == 0:
        empty = np.zeros(0)
        return CustomerSummary(
            uniq_ids, empty, empty, empty, empty, np.zeros(0, np.int64), np.zeros(0, np.int64), time_unit_days
        )

    day0 = int(days.min())
    span = end - day0 + 1
    key = cust.astype(np.int64) * span + (days - day0)
    cust_day, day_index = unique_inverse(key)
    day_amount = np.bincount(day_index, weights=money, minlength=len(cust_day))
    day_cust = cust_day // span
    day_num = cust_day % span + day0

    counts = np.bincount(day_cust, minlength=n)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    ends = starts + counts - 1
    first_day, last_day = day_num[starts], day_num[ends]
    total = np.bincount(day_cust, weights=day_amount, minlength=n)
    repeat_total = total - day_amount[starts]

    frequency = (counts - 1).astype(np.float64)
    monetary = np.divide(repeat_total, frequency, out=np.zeros(n), where=frequency > 0)
    return CustomerSummary(
        customer_ids=uniq_ids,
        frequency=frequency,
        recency=(last_day - first_day) / time_unit_days,
        T=(end - first_day) / time_unit_days,
        monetary_value=monetary,
        first_day=first_day,
        last_day=last_day,
        time_unit_days=time_unit_days,
    )
