"""BetaGeo and GammaGamma: input validation, errors, recovery of simulated parameters, model identities."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xsight.analytics.clv import BetaGeo, ConvergenceError, GammaGamma, InvalidInputError, NotFittedError
from xsight.analytics.simulate import simulate_log, summarize_continuous

TRUE = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5, "p": 6.0, "q": 3.8, "gamma": 15.0}


@pytest.fixture(scope="module")
def simulated() -> tuple[np.ndarray, ...]:
    log = simulate_log(np.random.default_rng(2), 5000, **TRUE, horizon=52.0, acquisition_span=13.0)
    return summarize_continuous(log, 52.0)


@pytest.fixture(scope="module")
def fitted(cdnow_summary) -> BetaGeo:
    return BetaGeo().fit(cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"])


def test_beta_geo_recovers_simulated_parameters(simulated):
    f, r, t, _ = simulated
    model = BetaGeo().fit(f, r, t)
    p = model.params_
    assert p["r"] == pytest.approx(TRUE["r"], rel=0.2)
    assert p["alpha"] == pytest.approx(TRUE["alpha"], rel=0.25)
    assert p["a"] == pytest.approx(TRUE["a"], rel=0.3)
    assert p["b"] == pytest.approx(TRUE["b"], rel=0.35)
    # Within four asymptotic standard errors (observed information), and those are finite.
    se = model.standard_errors_
    for name in p:
        assert 0 < se[name] < p[name] and abs(p[name] - TRUE[name]) < 4 * se[name], name
    # The well-identified combinations: mean purchase rate and mean dropout probability.
    assert p["r"] / p["alpha"] == pytest.approx(TRUE["r"] / TRUE["alpha"], rel=0.1)
    assert p["a"] / (p["a"] + p["b"]) == pytest.approx(TRUE["a"] / (TRUE["a"] + TRUE["b"]), rel=0.1)


def test_gamma_gamma_recovers_simulated_parameters(simulated):
    f, _, _, m = simulated
    model = GammaGamma().fit(f, m)
    p = model.params_
    for name in ("p", "q", "gamma"):
        assert p[name] == pytest.approx(TRUE[name], rel=0.3), name
        assert abs(p[name] - TRUE[name]) < 4 * model.standard_errors_[name], name
    mean_spend = TRUE["p"] * TRUE["gamma"] / (TRUE["q"] - 1)
    assert p["p"] * p["gamma"] / (p["q"] - 1) == pytest.approx(mean_spend, rel=0.1)


def test_methods_before_fit_raise_not_fitted():
    with pytest.raises(NotFittedError, match="call fit"):
        BetaGeo().conditional_probability_alive([1], [1], [2])
    with pytest.raises(NotFittedError, match="call fit"):
        GammaGamma().conditional_expected_average_value([1], [10.0])


@pytest.mark.parametrize(
    ("f", "r", "t", "message"),
    [
        ([-1], [0], [1], "frequency must not be negative"),
        ([1], [-1], [1], "recency must not be negative"),
        ([1], [2], [1], "recency must not exceed T"),
        ([0], [1], [2], "recency must be 0 when frequency is 0"),
        ([1], [np.nan], [2], "recency must be finite"),
        ([1.5], [1], [2], "whole numbers"),
        ([1, 2], [1], [2], "equal lengths"),
    ],
)
def test_invalid_inputs_raise_clear_errors(fitted, f, r, t, message):
    with pytest.raises(InvalidInputError, match=message):
        BetaGeo().fit(f, r, t)
    with pytest.raises(InvalidInputError, match=message):
        fitted.conditional_probability_alive(f, r, t)


def test_fit_without_repeat_buyers_or_with_bad_spend_raises():
    with pytest.raises(InvalidInputError, match="repeat buyer"):
        BetaGeo().fit([0, 0], [0, 0], [3, 4])
    with pytest.raises(InvalidInputError, match="repeat buyers"):
        GammaGamma().fit([0, 0], [0, 0])
    with pytest.raises(InvalidInputError, match="must be > 0"):
        GammaGamma().fit([1, 2], [10.0, -5.0])
    with pytest.raises(InvalidInputError, match="negative"):
        BetaGeo().fit([1], [1], [2], weights=[-1])


def test_unidentifiable_data_raise_convergence_error():
    # Everybody repeats at the same steady pace and nobody looks lapsed: dropout is not identified.
    f = np.full(50, 10.0)
    with pytest.raises(ConvergenceError, match="penalizer_coef"):
        BetaGeo().fit(f, np.full(50, 10.0), np.full(50, 10.0))


def test_penalizer_makes_unidentifiable_data_fit():
    model = BetaGeo(penalizer_coef=0.1).fit(np.full(50, 10.0), np.full(50, 10.0), np.full(50, 10.0))
    assert all(np.isfinite(v) for v in model.params_.values())
    assert set(model.standard_errors_) == {"r", "alpha", "a", "b"}


def test_expected_purchases_agrees_with_simulation(fitted):
    # E[X(t)] for a new customer, checked against the paper's fit: 39 weeks -> about 1.2 repeat purchases.
    e = fitted.expected_purchases([0.0, 39.0, 78.0])
    assert e[0] == 0.0
    assert 1.1 < e[1] < 1.3 < e[2]
    log = simulate_log(
        np.random.default_rng(5), 20000, **fitted.params_, p=6.0, q=4.0, gamma=15.0, horizon=39.0,
        acquisition_span=1e-9,
    )
    f, _, _, _ = summarize_continuous(log, 39.0)
    assert f.mean() == pytest.approx(e[1], rel=0.05)


def test_conditional_expected_purchases_is_zero_at_zero_horizon_and_grows(fitted):
    f, r, t = np.array([0.0, 2.0, 5.0]), np.array([0.0, 10.0, 30.0]), np.array([20.0, 30.0, 35.0])
    np.testing.assert_allclose(fitted.conditional_expected_purchases(0.0, f, r, t), 0.0, atol=1e-12)
    week = fitted.conditional_expected_purchases(1.0, f, r, t)
    year = fitted.conditional_expected_purchases(52.0, f, r, t)
    assert np.all(week > 0) and np.all(year > week)


@settings(max_examples=150, deadline=None)
@given(
    f=st.integers(0, 60),
    t=st.floats(0.0, 500.0),
    share=st.floats(0.0, 1.0),
)
def test_probability_alive_is_a_probability_and_one_without_repeats(fitted, f, t, share):
    r = share * t if f > 0 else 0.0
    p = fitted.conditional_probability_alive([f], [r], [t])[0]
    assert 0.0 <= p <= 1.0
    if f == 0:
        assert p == 1.0
    else:
        # A more recent last purchase (same f and T) never lowers P(alive).
        later = fitted.conditional_probability_alive([f], [min(t, r + 1.0)], [t])[0]
        assert later >= p - 1e-12
        # Waiting longer without buying (same f, t_x) never raises it.
        assert fitted.conditional_probability_alive([f], [r], [t + 5.0])[0] <= p + 1e-12


def test_fit_converges_when_nine_in_ten_customers_never_return():
    log = simulate_log(
        np.random.default_rng(1), 20000, r=0.05, alpha=8.0, a=2.0, b=0.8, p=6.0, q=3.8, gamma=15.0,
        horizon=104.0, acquisition_span=78.0,
    )
    f, r, t, _ = summarize_continuous(log, 104.0)
    assert (f == 0).mean() > 0.85
    p = BetaGeo().fit(f, r, t).params_
    assert p["r"] == pytest.approx(0.05, rel=0.15)
    assert p["alpha"] == pytest.approx(8.0, rel=0.25)
    assert p["a"] / (p["a"] + p["b"]) == pytest.approx(2.0 / 2.8, rel=0.1)


def test_customer_lifetime_value_scales_with_margin_and_discounting(cdnow_summary):
    s = cdnow_summary
    bg = BetaGeo().fit(s["frequency"], s["recency"], s["T"])
    gg = GammaGamma().fit(s["frequency"], s["monetary_value"])
    args = (bg, s["frequency"][:20], s["recency"][:20], s["T"][:20], s["monetary_value"][:20])
    plain = gg.customer_lifetime_value(*args, monthly_discount_rate=0.0)
    value = gg.conditional_expected_average_value(s["frequency"][:20], s["monetary_value"][:20])
    months = 12 * (365.25 / 12) / 7
    expected = bg.conditional_expected_purchases(months, s["frequency"][:20], s["recency"][:20], s["T"][:20])
    np.testing.assert_allclose(plain, value * expected, rtol=1e-10)
    with_margin = gg.customer_lifetime_value(*args, margin=0.3, monthly_discount_rate=0.0)
    np.testing.assert_allclose(with_margin, 0.3 * plain)
    assert np.all(gg.customer_lifetime_value(*args) < plain)
    with pytest.raises(InvalidInputError, match="months"):
        gg.customer_lifetime_value(*args, months=0)


def test_conditional_expected_average_value_shrinks_towards_the_population_mean(cdnow_summary):
    gg = GammaGamma().fit(cdnow_summary["frequency"], cdnow_summary["monetary_value"])
    p, q, gamma = gg.params_["p"], gg.params_["q"], gg.params_["gamma"]
    population = p * gamma / (q - 1)
    values = gg.conditional_expected_average_value([0, 1, 10, 100], [0.0, 100.0, 100.0, 100.0])
    assert values[0] == pytest.approx(population)
    assert population < values[1] < values[2] < values[3] < 100.0


def test_shared_and_per_customer_horizons_agree(fitted, cdnow_summary):
    s = cdnow_summary
    shared = fitted.conditional_expected_purchases(13.0, s["frequency"], s["recency"], s["T"])
    each = fitted.conditional_expected_purchases(np.full(2357, 13.0), s["frequency"], s["recency"], s["T"])
    np.testing.assert_allclose(shared, each, rtol=1e-12)
    with pytest.raises(InvalidInputError, match="one per customer"):
        fitted.conditional_expected_purchases([1.0, 2.0], s["frequency"], s["recency"], s["T"])
    with pytest.raises(InvalidInputError, match="finite"):
        fitted.conditional_expected_purchases(-1.0, s["frequency"], s["recency"], s["T"])
