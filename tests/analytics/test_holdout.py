"""Holdout evaluation: CDNOW's published split, a simulated shop, and honest "not enough data" answers."""

from __future__ import annotations

import numpy as np
import pytest

from xsight.analytics.clv import ModifiedBetaGeo
from xsight.analytics.errors import InvalidInputError
from xsight.analytics.holdout import _holdout_purchase_days, evaluate
from xsight.analytics.simulate import simulate_log


def test_cdnow_half_split_is_the_papers_calibration_period(cdnow_transactions):
    t = cdnow_transactions
    report = evaluate(t["customer_ids"], t["days"], observation_end="1998-06-30", holdout_fraction=0.5)
    assert report.status == "ok"
    assert report.calibration_end == "1997-09-30" and report.holdout_days == 273
    assert report.n_customers == 2357 and report.n_repeat_buyers == 946
    assert report.params["r"] == pytest.approx(0.243, abs=1e-3)
    assert report.params["b"] == pytest.approx(2.426, abs=1e-3)
    assert report.actual_total == 1882
    assert report.predicted_total == pytest.approx(1653.4, abs=0.5)
    assert report.baseline_total == pytest.approx(2930.1, abs=0.5)
    assert report.mae == pytest.approx(0.785, abs=1e-3)
    assert report.baseline_mae == pytest.approx(1.024, abs=1e-3)
    assert report.correlation is not None and report.baseline_correlation is not None
    assert report.correlation > report.baseline_correlation > 0.5


def test_mbg_can_be_judged_the_same_way(cdnow_transactions):
    t = cdnow_transactions
    report = evaluate(
        t["customer_ids"], t["days"], observation_end="1998-06-30", holdout_fraction=0.5,
        model=ModifiedBetaGeo,
    )
    assert report.status == "ok" and report.params["r"] == pytest.approx(0.525, abs=1e-3)
    assert report.actual_total == 1882 and report.mae < report.baseline_mae


def test_simulated_shop_forecast_is_close_and_beats_the_naive_baseline():
    log = simulate_log(
        np.random.default_rng(3), 4000, r=0.25, alpha=4.0, a=0.8, b=2.5, p=6.0, q=3.8, gamma=15.0,
        horizon=78.0, acquisition_span=26.0,
    )
    start = np.datetime64("2024-01-01")
    days = start + np.floor(log.times * 7).astype(np.int64)
    report = evaluate(log.customer_ids, days, observation_end=start + 78 * 7 - 1)
    assert report.status == "ok" and report.reason is None
    assert report.predicted_total == pytest.approx(report.actual_total, rel=0.1)
    actual = report.actual_total
    assert abs(report.predicted_total - actual) < abs(report.baseline_total - actual)
    assert report.mae < report.baseline_mae
    assert report.correlation is not None and report.baseline_correlation is not None
    assert report.correlation > report.baseline_correlation
    assert len(report.predicted) == len(report.actual) == len(report.customer_ids) == report.n_customers


def test_small_or_young_shops_get_not_enough_data_with_a_reason():
    empty = evaluate([], np.array([], dtype="datetime64[D]"), observation_end="2024-01-01")
    assert empty.status == "not_enough_data" and "no orders" in (empty.reason or "")
    young = evaluate([1, 2, 1], ["2024-01-01", "2024-01-10", "2024-02-01"], observation_end="2024-02-15")
    assert young.status == "not_enough_data" and "46 days" in (young.reason or "")
    days = np.datetime64("2023-01-01") + np.arange(0, 400, 2)
    small = evaluate(np.arange(200) % 50, days, observation_end="2024-02-01")
    assert small.status == "not_enough_data" and "at least 200" in (small.reason or "")
    assert small.n_customers == 50


def test_holdout_counts_distinct_purchase_days_of_calibration_customers_only():
    cal_ids = np.array([1, 2, 3])
    ids = np.array([1, 1, 1, 3, 4, 2])
    days = np.array([5, 11, 11, 12, 12, 10])
    assert _holdout_purchase_days(cal_ids, ids, days, 10, 20).tolist() == [1.0, 0.0, 1.0]


def test_invalid_fraction():
    with pytest.raises(InvalidInputError, match="holdout_fraction"):
        evaluate([1], ["2024-01-01"], observation_end="2024-01-02", holdout_fraction=1.0)


def test_holdout_counts_are_the_same_for_rows_in_customer_day_order_and_in_any_order():
    rng = np.random.default_rng(5)
    ids = rng.integers(0, 40, 600)
    days = rng.integers(0, 60, 600)
    cal_ids = np.unique(ids[days <= 30])
    order = np.lexsort((days, ids))  # (customer, day) order, duplicates kept: the one-pass path
    sorted_counts = _holdout_purchase_days(cal_ids, ids[order], days[order], 30, 60)
    assert _holdout_purchase_days(cal_ids, ids, days, 30, 60).tolist() == sorted_counts.tolist()
    truth = [len({d for i, d in zip(ids, days, strict=True) if i == c and 30 < d <= 60}) for c in cal_ids]
    assert sorted_counts.tolist() == truth
