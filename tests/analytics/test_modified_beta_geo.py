"""MBG/NBD: BTYDplus's CDNOW estimates, P(alive) < 1 for one-time buyers, checks by simulation."""

from __future__ import annotations

import numpy as np
import pytest

from xsight.analytics.clv import BetaGeo, ModifiedBetaGeo, NotFittedError
from xsight.analytics.simulate import simulate_log, summarize_continuous

# BTYDplus (mplatzer/BTYDplus) on the CDNOW summary, as used in lifetimes' test suite.
BTYDPLUS_MBG = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}


@pytest.fixture(scope="module")
def mbg(cdnow_summary) -> ModifiedBetaGeo:
    return ModifiedBetaGeo().fit(cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"])


def test_reproduces_btydplus_estimates_on_cdnow(mbg):
    for name, value in BTYDPLUS_MBG.items():
        assert mbg.params_[name] == pytest.approx(value, abs=1e-3), name
    assert mbg.log_likelihood_ == pytest.approx(-9582.13, abs=0.01)


def test_one_time_buyers_are_not_certainly_alive(mbg):
    p = mbg.conditional_probability_alive([0, 0, 0], [0.0, 0.0, 0.0], [1.0, 20.0, 60.0])
    assert np.all(p < 1.0) and p[0] > p[1] > p[2] > 0.0
    assert BetaGeo().fit([0, 1], [0, 1], [2, 2]).conditional_probability_alive([0], [0], [60.0])[0] == 1.0


def test_expected_purchases_matches_simulation(mbg):
    log = simulate_log(
        np.random.default_rng(9), 40000, **mbg.params_, p=6.0, q=4.0, gamma=15.0, horizon=78.0,
        acquisition_span=1e-9, dropout_after_first=True,
    )
    f, _, _, _ = summarize_continuous(log, 78.0)
    assert f.mean() == pytest.approx(mbg.expected_purchases(78.0)[0], rel=0.03)


def test_recovers_simulated_parameters():
    true = {"r": 0.5, "alpha": 6.0, "a": 0.9, "b": 1.6}
    log = simulate_log(
        np.random.default_rng(4), 6000, **true, p=6.0, q=4.0, gamma=15.0, horizon=78.0,
        acquisition_span=26.0, dropout_after_first=True,
    )
    f, r, t, _ = summarize_continuous(log, 78.0)
    p = ModifiedBetaGeo().fit(f, r, t).params_
    assert p["r"] / p["alpha"] == pytest.approx(true["r"] / true["alpha"], rel=0.1)
    assert p["a"] / (p["a"] + p["b"]) == pytest.approx(true["a"] / (true["a"] + true["b"]), rel=0.1)
    for name in true:
        assert p[name] == pytest.approx(true[name], rel=0.35), name


def test_not_fitted_error_names_the_class():
    with pytest.raises(NotFittedError, match="ModifiedBetaGeo"):
        ModifiedBetaGeo().expected_purchases(1.0)
