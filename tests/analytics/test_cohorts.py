"""cohort_table: METRICS.md §1.4 retention rule, censoring, revenue curve, agreement with a plain loop."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pytest

from xsight.analytics.cohorts import cohort_table
from xsight.analytics.errors import InvalidInputError

IDS = [1, 1, 1, 2, 2, 3, 4]
DAYS = ["2024-01-05", "2024-01-20", "2024-03-01", "2024-01-10", "2024-02-02", "2024-02-10", "2024-03-30"]
AMOUNTS = [10.0, 20.0, 30.0, 5.0, 5.0, 7.0, 100.0]


def test_small_table_by_hand():
    t = cohort_table(IDS, DAYS, AMOUNTS, observation_end="2024-03-15")
    assert t.cohorts == ["2024-01", "2024-02"]
    assert t.sizes == [2, 1]
    # k = 0: customer 1 ordered twice in January, customer 2 once -> 1 of 2; never 100 % by construction.
    assert t.retention == [[0.5, 0.5, None], [0.0, None, None]]
    assert t.active_customers == [[1, 1, None], [0, None, None]]
    assert t.orders == [[3, 1, None], [1, None, None]]
    assert t.cumulative_revenue_per_customer == [[17.5, 20.0, None], [7.0, None, None]]
    assert t.current_month == "2024-03" and not t.current_month_complete


def test_censored_cells_are_none_never_zero_and_partial_cells_are_marked():
    t = cohort_table(IDS, DAYS, AMOUNTS, observation_end="2024-03-15", include_partial=True)
    assert t.retention == [[0.5, 0.5, 0.5], [0.0, 0.0, None]]
    assert t.partial == [[False, False, True], [False, True, False]]
    # Customer 4's first order is after observation_end: no cohort for March.
    assert "2024-03" not in t.cohorts


def test_month_ending_on_observation_end_is_complete():
    t = cohort_table(IDS, DAYS, AMOUNTS, observation_end="2024-03-31")
    assert t.current_month_complete
    assert t.cohorts == ["2024-01", "2024-02", "2024-03"]
    assert t.retention[0] == [0.5, 0.5, 0.5]
    assert t.retention[2] == [0.0, None, None]
    assert not any(any(row) for row in t.partial)


def test_timezone_moves_an_order_into_the_local_month():
    stamps = [dt.datetime(2024, 1, 31, 23, 30, tzinfo=dt.UTC), dt.datetime(2024, 2, 1, 12, tzinfo=dt.UTC)]
    utc = cohort_table([1, 1], stamps, [1.0, 1.0], observation_end="2024-03-31")
    assert utc.cohorts == ["2024-01"] and utc.retention[0][:2] == [0.0, 1.0]
    tokyo = cohort_table([1, 1], stamps, [1.0, 1.0], observation_end="2024-03-31", tz="Asia/Tokyo")
    assert tokyo.cohorts == ["2024-02"] and tokyo.retention[0][0] == 1.0


def test_empty_log_and_mismatched_lengths():
    t = cohort_table([], np.array([], dtype="datetime64[D]"), [], observation_end="2024-01-31")
    assert t.cohorts == [] and t.retention == []
    with pytest.raises(InvalidInputError, match="equal lengths"):
        cohort_table([1, 2], ["2024-01-01"], [1.0, 2.0], observation_end="2024-01-31")


def test_matches_a_plain_python_computation():
    rng = np.random.default_rng(11)
    n = 3000
    ids = rng.integers(0, 400, n)
    days = np.datetime64("2023-01-01") + rng.integers(0, 500, n)
    amounts = np.round(rng.gamma(2.0, 25.0, n), 2)
    end = np.datetime64("2024-04-17")
    t = cohort_table(ids, days, amounts, observation_end=end)

    per_customer: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for c, d, a in zip(ids.tolist(), days, amounts.tolist(), strict=True):
        if d <= end:
            per_customer[c].append((str(d.astype("datetime64[M]")), a))
    cohort_of = {c: min(m for m, _ in rows) for c, rows in per_customer.items()}
    labels = sorted(set(cohort_of.values()))
    assert t.cohorts == labels
    for i, label in enumerate(labels):
        members = [c for c, m in cohort_of.items() if m == label]
        assert t.sizes[i] == len(members)
        cum = 0.0
        for k, value in enumerate(t.retention[i]):
            month = str(np.datetime64(label, "M") + k)
            if month >= "2024-04":
                assert value is None and t.cumulative_revenue_per_customer[i][k] is None
                continue
            counts = [sum(1 for m, _ in per_customer[c] if m == month) for c in members]
            active = sum(1 for n_orders in counts if n_orders >= (2 if k == 0 else 1))
            cum += sum(a for c in members for m, a in per_customer[c] if m == month)
            assert value == pytest.approx(active / len(members))
            assert t.cumulative_revenue_per_customer[i][k] == pytest.approx(cum / len(members))


def test_rows_in_customer_month_order_give_the_same_table_as_shuffled_rows():
    """Sorted (customer, month) input takes the one-pass path; shuffled input np.unique: same table."""
    rng = np.random.default_rng(3)
    ids = np.sort(rng.integers(0, 60, 500))
    days = np.datetime64("2024-01-01") + rng.integers(0, 400, 500)
    ordered = np.lexsort((days, ids))
    ids, days = ids[ordered], days[ordered]
    amounts = rng.integers(1, 200, 500).astype(float)
    shuffled = rng.permutation(500)
    end = np.datetime64("2025-01-20")
    a = cohort_table(ids, days, amounts, observation_end=end)
    b = cohort_table(ids[shuffled], days[shuffled], amounts[shuffled], observation_end=end)
    assert (a.cohorts, a.sizes, a.retention) == (b.cohorts, b.sizes, b.retention)
    assert a.cumulative_revenue_per_customer == b.cumulative_revenue_per_customer  # whole amounts: exact
