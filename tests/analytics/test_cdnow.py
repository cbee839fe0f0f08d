"""Reproduce the published CDNOW estimates (Fader, Hardie & Lee 2005) from the public sample."""

from __future__ import annotations

import numpy as np
import pytest

from xsight.analytics.clv import BetaGeo, GammaGamma
from xsight.analytics.clv.gamma_gamma import _log_likelihood as _gg_log_likelihood
from xsight.analytics.transactions import summarize

PUBLISHED_BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_BG_LL = -9582.4
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def test_summarize_reproduces_the_published_summary(cdnow_transactions, cdnow_summary):
    s = summarize(
        cdnow_transactions["customer_ids"], cdnow_transactions["days"], cdnow_transactions["amounts"],
        observation_end="1997-09-30",
    )
    assert len(s) == 2357
    np.testing.assert_array_equal(s.customer_ids, np.arange(1, 2358))
    np.testing.assert_array_equal(s.frequency, cdnow_summary["frequency"])
    np.testing.assert_allclose(s.recency, cdnow_summary["recency"], atol=0.005)
    np.testing.assert_allclose(s.T, cdnow_summary["T"], atol=0.005)
    np.testing.assert_allclose(s.monetary_value, cdnow_summary["monetary_value"], atol=0.005 + 1e-9)


def test_beta_geo_reproduces_published_estimates(cdnow_summary):
    model = BetaGeo().fit(cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"])
    for name, value in PUBLISHED_BG.items():
        assert model.params_[name] == pytest.approx(value, abs=1e-3), name
    assert model.log_likelihood_ == pytest.approx(PUBLISHED_BG_LL, abs=0.1)


def test_beta_geo_fit_on_compressed_rows_matches_full_fit(cdnow_summary):
    rows = np.column_stack([cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"]])
    uniq, counts = np.unique(rows, axis=0, return_counts=True)
    assert len(uniq) < len(rows)
    model = BetaGeo().fit(uniq[:, 0], uniq[:, 1], uniq[:, 2], weights=counts)
    for name, value in PUBLISHED_BG.items():
        assert model.params_[name] == pytest.approx(value, abs=1e-3), name
    assert model.log_likelihood_ == pytest.approx(PUBLISHED_BG_LL, abs=0.1)


def test_gamma_gamma_reproduces_published_estimates(cdnow_summary):
    model = GammaGamma().fit(cdnow_summary["frequency"], cdnow_summary["monetary_value"])
    assert int((cdnow_summary["frequency"] > 0).sum()) == 946
    assert model.params_["p"] == pytest.approx(PUBLISHED_GG["p"], abs=5e-3)
    assert model.params_["q"] == pytest.approx(PUBLISHED_GG["q"], abs=5e-3)
    # The MLE is gamma = 15.4477; the published 15.44 scores 0.0015 less log-likelihood, i.e. it is the same
    # optimum reached with a looser solver tolerance.
    assert model.params_["gamma"] == pytest.approx(PUBLISHED_GG["gamma"], abs=1e-2)
    published = np.array([PUBLISHED_GG["p"], PUBLISHED_GG["q"], PUBLISHED_GG["gamma"]])
    repeat = cdnow_summary["frequency"] > 0
    at_published = _gg_log_likelihood(
        published, cdnow_summary["frequency"][repeat], cdnow_summary["monetary_value"][repeat]
    ).sum()
    assert model.log_likelihood_ >= at_published
    assert model.log_likelihood_ - at_published < 0.01


def test_customer_lifetime_value_matches_lifetimes_documentation(cdnow_summary):
    # lifetimes 0.11.3 README: BG/NBD + Gamma-Gamma on CDNOW, time=12, discount_rate=0.01, freq="D"
    # (its "month" is 30 time units); first five customers 140.096218, 18.943466, 38.180575 x3.
    s = cdnow_summary
    bg = BetaGeo().fit(s["frequency"], s["recency"], s["T"])
    gg = GammaGamma().fit(s["frequency"], s["monetary_value"])
    clv = gg.customer_lifetime_value(
        bg, s["frequency"][:5], s["recency"][:5], s["T"][:5], s["monetary_value"][:5],
        months=12, monthly_discount_rate=0.01, time_unit_days=365.25 / 12 / 30,
    )
    np.testing.assert_allclose(clv, [140.096218, 18.943466, 38.180575, 38.180575, 38.180575], atol=2e-3)


def test_conditional_expected_purchases_over_the_holdout_is_near_actual(cdnow_transactions, cdnow_summary):
    s = cdnow_summary
    bg = BetaGeo().fit(s["frequency"], s["recency"], s["T"])
    predicted = bg.conditional_expected_purchases(39.0, s["frequency"], s["recency"], s["T"]).sum()
    after = cdnow_transactions["days"] > np.datetime64("1997-09-30")
    pairs = np.unique(np.column_stack([cdnow_transactions["customer_ids"][after],
                                       cdnow_transactions["days"][after].astype(np.int64)]), axis=0)
    actual = len(pairs)
    # 1,653 predicted vs 1,882 actual repeat purchase days in weeks 40-78: a 12% under-forecast, recorded
    # here so that a change in the model or the summary shows up.
    assert actual == 1882
    assert abs(predicted - actual) / actual < 0.15


def test_beta_geo_predictions_match_the_papers_worked_example(cdnow_summary):
    # Hardie's BG/NBD spreadsheet (as used in lifetimes' tests): E[X(t)] at these weeks, and the expected
    # purchases in the next 39 weeks of a customer with x = 2, t_x = 30.43, T = 38.86.
    s = cdnow_summary
    model = BetaGeo().fit(s["frequency"], s["recency"], s["T"])
    times = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0]
    expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
    np.testing.assert_allclose(model.expected_purchases(times), expected, atol=5e-4)
    example = model.conditional_expected_purchases(39.0, [2], [30.43], [38.86])[0]
    assert example == pytest.approx(1.226, abs=5e-4)
