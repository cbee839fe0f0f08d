"""summarize: same-day merge, observation window, day conventions and invariants (property-based)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xsight.analytics._arrays import unique_inverse
from xsight.analytics.errors import InvalidInputError
from xsight.analytics.transactions import summarize


def test_same_day_purchases_merge_and_amounts_sum():
    s = summarize(
        ["a", "a", "a", "a", "b"],
        ["2024-01-01T09:00", "2024-01-01T18:00", "2024-01-08", "2024-01-08T23:59", "2024-01-05"],
        [10.0, 5.0, 20.0, 4.0, 7.0],
        observation_end="2024-01-15",
        time_unit_days=1.0,
    )
    assert s.customer_ids.tolist() == ["a", "b"]
    assert s.frequency.tolist() == [1.0, 0.0]
    assert s.recency.tolist() == [7.0, 0.0]
    assert s.T.tolist() == [14.0, 10.0]
    assert s.monetary_value.tolist() == [24.0, 0.0]


def test_purchases_after_observation_end_are_ignored_and_late_customers_dropped():
    s = summarize(
        [1, 1, 2], ["2024-01-01", "2024-01-16", "2024-01-20"], [1.0, 2.0, 3.0], observation_end="2024-01-15"
    )
    assert s.customer_ids.tolist() == [1]
    assert s.frequency.tolist() == [0.0]
    assert s.T[0] == pytest.approx(2.0)  # 14 days in weeks


def test_observation_end_day_is_inclusive():
    s = summarize([1, 1], ["2024-01-01", "2024-01-15T23:00"], [1.0, 2.0], observation_end="2024-01-15")
    assert s.frequency.tolist() == [1.0] and s.recency[0] == s.T[0] == 2.0


def test_accepts_dates_datetimes_and_timezones():
    local = dt.timezone(dt.timedelta(hours=-5))
    stamps = [dt.date(2024, 1, 1), dt.datetime(2024, 1, 2, 3, 0, tzinfo=dt.UTC)]
    naive = summarize([1, 1], stamps, [1.0, 1.0], observation_end=dt.date(2024, 1, 10), time_unit_days=1)
    assert naive.recency.tolist() == [1.0]
    shifted = summarize(
        [1, 1], [dt.datetime(2024, 1, 1, 12, tzinfo=local), stamps[1]], [1.0, 1.0],
        observation_end=dt.date(2024, 1, 10), time_unit_days=1, tz="America/New_York",
    )
    # 03:00 UTC on Jan 2 is Jan 1 in New York: one purchase day, no repeat.
    assert shifted.frequency.tolist() == [0.0]


def test_invalid_inputs_raise():
    with pytest.raises(InvalidInputError, match="equal lengths"):
        summarize([1, 2], ["2024-01-01"], [1.0, 2.0], observation_end="2024-01-02")
    with pytest.raises(InvalidInputError, match="finite"):
        summarize([1], ["2024-01-01"], [np.nan], observation_end="2024-01-02")
    with pytest.raises(InvalidInputError, match="time_unit_days"):
        summarize([1], ["2024-01-01"], [1.0], observation_end="2024-01-02", time_unit_days=0)
    with pytest.raises(InvalidInputError, match="Timestamps"):
        summarize([1], [3.5], [1.0], observation_end="2024-01-02")


def test_empty_log_gives_empty_summary():
    s = summarize([], np.array([], dtype="datetime64[D]"), [], observation_end="2024-01-02")
    assert len(s) == 0 and s.frequency.shape == (0,)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 8), st.integers(0, 60), st.floats(0.0, 500.0, allow_nan=False)),
        min_size=1, max_size=60,
    ),
    end=st.integers(0, 70),
    unit=st.sampled_from([1.0, 7.0, 30.0]),
)
def test_invariants(rows, end, unit):
    ids = np.array([r[0] for r in rows])
    days = np.datetime64("2024-01-01") + np.array([r[1] for r in rows])
    amounts = np.array([r[2] for r in rows])
    observation_end = np.datetime64("2024-01-01") + end
    s = summarize(ids, days, amounts, observation_end=observation_end, time_unit_days=unit)
    seen = ids[days <= observation_end]
    assert sorted(s.customer_ids.tolist()) == sorted(set(seen.tolist()))
    assert np.all((s.recency >= 0) & (s.recency <= s.T + 1e-12))
    for i, c in enumerate(s.customer_ids):
        mine = (ids == c) & (days <= observation_end)
        distinct = np.unique(days[mine])
        assert s.frequency[i] == len(distinct) - 1
        assert s.recency[i] == pytest.approx((distinct[-1] - distinct[0]).astype(int) / unit)
        assert s.T[i] == pytest.approx((observation_end - distinct[0]).astype(int) / unit)
        repeat = mine & (days > distinct[0])
        expected = amounts[repeat].sum() / (len(distinct) - 1) if len(distinct) > 1 else 0.0
        assert s.monetary_value[i] == pytest.approx(expected, abs=1e-9)


def test_plain_empty_lists_are_accepted():
    s = summarize([], [], [], observation_end="2024-01-02")
    assert len(s) == 0


@given(values=st.lists(st.integers(-5, 40), max_size=80), presort=st.booleans())
def test_unique_inverse_equals_numpy_unique(values, presort):
    a = np.array(sorted(values) if presort else values, dtype=np.int64)
    uniq, inverse = unique_inverse(a)
    want_uniq, want_inverse = np.unique(a, return_inverse=True)
    assert uniq.tolist() == want_uniq.tolist() and inverse.tolist() == want_inverse.tolist()
    assert inverse.dtype == want_inverse.dtype


@settings(max_examples=50)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 90), st.floats(0.0, 500.0, allow_nan=False)),
        min_size=1, max_size=120,
    ),
    end=st.integers(0, 100),
)
def test_rows_in_customer_day_order_summarise_exactly_as_shuffled_rows(rows, end):
    """Sorted (customer, day) input takes the one-pass path; any other order np.unique: same arrays."""
    ordered = sorted({(c, d): (c, d, a) for c, d, a in rows}.values())  # one row per customer and day
    shuffled = list(reversed(ordered))
    results = []
    for log in (ordered, shuffled):
        ids = np.array([r[0] for r in log], dtype=np.int64)
        days = np.datetime64("2024-01-01") + np.array([r[1] for r in log])
        results.append(summarize(ids, days, np.array([r[2] for r in log]),
                                 observation_end=np.datetime64("2024-01-01") + end))
    a, b = results
    for name in ("customer_ids", "frequency", "recency", "T", "monetary_value", "first_day", "last_day"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist(), name
