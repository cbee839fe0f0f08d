"""Validate input arrays and turn dates and timestamps into calendar-day numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import ArrayLike, NDArray

from xsight.analytics.errors import InvalidInputError

DayLike = dt.date | dt.datetime | np.datetime64 | str


def as_float_array(name: str, values: ArrayLike) -> NDArray[np.float64]:
    """Return ``values`` as a finite 1-D float array or raise InvalidInputError."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{name} must be numbers; got {exc}.") from exc
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise InvalidInputError(f"{name} must be one-dimensional; got shape {arr.shape}.")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise InvalidInputError(f"{name} must be finite; element {int(np.argmax(bad))} is {arr[bad][0]}.")
    return arr


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Return the inner product of two vectors without BLAS, whose threads cost more than the sum here."""
    return float(np.einsum("i,i->", a, b))


def check_same_length(**arrays: Sequence[Any] | np.ndarray) -> int:
    """Return the common length of the named arrays or raise InvalidInputError."""
    lengths = {name: len(arr) for name, arr in arrays.items()}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{name}={n}" for name, n in lengths.items())
        raise InvalidInputError(f"The input arrays must have equal lengths; got {shown}.")
    return next(iter(lengths.values()), 0)


def _naive_local(value: dt.datetime, tz: ZoneInfo | None) -> dt.datetime:
    """Return ``value`` as a naive wall-clock datetime, converted to ``tz`` when both are aware."""
    if value.tzinfo is None:
        return value
    if tz is not None:
        value = value.astimezone(tz)
    return value.replace(tzinfo=None)


def to_day_numbers(values: ArrayLike, *, tz: str | None = None) -> NDArray[np.int64]:
    """Return each value's calendar day as days since 1970-01-01 (see docs/analytics.md "Days")."""
    zone = ZoneInfo(tz) if tz is not None else None
    arr = np.asarray(values)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.dtype.kind == "M":
        days = arr.astype("datetime64[D]")
    elif arr.dtype.kind in "US":
        try:
            days = arr.astype("datetime64[us]").astype("datetime64[D]")
        except ValueError as exc:
            raise InvalidInputError(f"Timestamps given as text must be ISO 8601; {exc}.") from exc
    elif arr.dtype.kind == "O":
        items = [_naive_local(v, zone) if isinstance(v, dt.datetime) else v for v in arr.tolist()]
        try:
            days = np.array(items, dtype="datetime64[us]").astype("datetime64[D]")
        except (TypeError, ValueError) as exc:
            raise InvalidInputError(f"Timestamps must be dates, datetimes or datetime64; {exc}.") from exc
    else:
        raise InvalidInputError(
            f"Timestamps must be dates, datetimes, datetime64 or ISO strings; got dtype {arr.dtype}."
        )
    if np.isnat(days).any():
        raise InvalidInputError("Timestamps must not contain NaT.")
    return days.astype(np.int64)


def to_day_number(value: DayLike, *, tz: str | None = None) -> int:
    """Return one date's calendar day as days since 1970-01-01."""
    if isinstance(value, np.datetime64 | str):
        return int(to_day_numbers(np.array([value]), tz=tz)[0])
    return int(to_day_numbers(np.array([value], dtype=object), tz=tz)[0])


def unique_inverse(values: np.ndarray) -> tuple[np.ndarray, NDArray[np.intp]]:
    """Return ``np.unique(values, return_inverse=True)``, in one pass when integer values come sorted.

    Callers that read rows in (customer, day) order skip the sort; any other input takes np.unique.
    """
    ordered = values.ndim == 1 and values.dtype.kind in "iu" and len(values) > 0
    if ordered and bool(np.all(values[1:] >= values[:-1])):
        new = np.empty(len(values), dtype=bool)
        new[0] = True
        np.not_equal(values[1:], values[:-1], out=new[1:])
        return values[new], (np.cumsum(new) - 1).astype(np.intp)
    uniq, inverse = np.unique(values, return_inverse=True)
    return uniq, inverse.reshape(-1)
