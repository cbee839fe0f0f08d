"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves")."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln, psi

from xsight.analytics._arrays import as_float_array, check_same_length, dot
from xsight.analytics.clv._inputs import FloatArray, frequency_recency_T, weights_for
from xsight.analytics.clv._optimize import maximise_log_space, standard_errors
from xsight.analytics.clv.beta_geo import BetaGeo
from xsight.analytics.errors import InvalidInputError, NotFittedError

PARAM_NAMES = ("p", "q", "gamma")
# Days in an average Gregorian month; lifetimes' "4.345 weeks" is the same idea.
DAYS_PER_MONTH = 365.25 / 12


class GammaGamma:
    """Gamma-Gamma: each customer's transaction values are gamma(p, nu) with nu ~ gamma(q, gamma)."""

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        """Configure the fitter; ``penalizer_coef`` > 0 adds a ridge penalty on the log-parameters."""
        if not penalizer_coef >= 0:
            raise InvalidInputError(f"penalizer_coef must be >= 0; got {penalizer_coef}.")
        self.penalizer_coef = float(penalizer_coef)

    def fit(
        self, frequency: ArrayLike, monetary_value: ArrayLike, weights: ArrayLike | None = None
    ) -> GammaGamma:
        """Fit (p, q, gamma) on repeat buyers: rows with frequency 0 are ignored, others need value > 0."""
        x, z = _frequency_monetary(frequency, monetary_value)
        w = weights_for(weights, len(x))
        repeat = (x > 0) & (w > 0)
        if not repeat.any():
            raise InvalidInputError("GammaGamma.fit needs repeat buyers (frequency > 0); got none.")
        if np.any(z[repeat] <= 0):
            i = int(np.argmax(repeat & (z <= 0)))
            raise InvalidInputError(
                f"monetary_value must be > 0 for repeat buyers; row {i} has monetary_value={z[i]!r}. "
                "Leave customers with non-positive net spend out of the fit."
            )
        x, z, w = x[repeat], z[repeat], w[repeat]
        objective = _Objective(x, z, w, self.penalizer_coef)
        mean = float(np.average(z, weights=w))
        start = np.log([2.0, 2.0, mean])
        log_theta = maximise_log_space(objective, start, PARAM_NAMES, "GammaGamma")
        theta = np.exp(log_theta)
        self.params_ = dict(zip(PARAM_NAMES, (float(v) for v in theta), strict=True))
        se = standard_errors(objective, log_theta, float(w.sum()))
        self.standard_errors_ = dict(zip(PARAM_NAMES, (float(v) for v in se), strict=True))
        self.log_likelihood_ = dot(w, _log_likelihood(theta, x, z))
        return self

    def _theta(self) -> tuple[float, float, float]:
        """Return the fitted (p, q, gamma) or raise NotFittedError."""
        if not hasattr(self, "params_"):
            raise NotFittedError("GammaGamma is not fitted yet; call fit(frequency, monetary_value).")
        return self.params_["p"], self.params_["q"], self.params_["gamma"]

    def conditional_expected_average_value(
        self, frequency: ArrayLike, monetary_value: ArrayLike
    ) -> FloatArray:
        """Return E[mean transaction value | x, mean value] = p(gamma + x z) / (p x + q - 1)."""
        p, q, gamma = self._theta()
        x, z = _frequency_monetary(frequency, monetary_value)
        if q <= 1 and np.any(x == 0):
            raise InvalidInputError(f"q = {q:.3g} <= 1, so the population mean value is infinite for x = 0.")
        return p * (gamma + x * z) / (p * x + q - 1.0)

    def customer_lifetime_value(
        self,
        bg_model: BetaGeo,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        monetary_value: ArrayLike,
        *,
        months: int = 12,
        monthly_discount_rate: float = 0.01,
        margin: float = 1.0,
        time_unit_days: float = 7.0,
    ) -> FloatArray:
        """Return the discounted value of each customer's expected purchases over the next ``months``."""
        if months < 1 or not monthly_discount_rate > -1 or not time_unit_days > 0:
            raise InvalidInputError(
                f"Need months >= 1, monthly_discount_rate > -1 and time_unit_days > 0; got {months}, "
                f"{monthly_discount_rate}, {time_unit_days}."
            )
        x, t_x, t = frequency_recency_T(frequency, recency, T)
        value = self.conditional_expected_average_value(x, monetary_value) * margin
        steps = np.arange(months + 1, dtype=np.float64)
        horizons = steps * (DAYS_PER_MONTH / time_unit_days)
        cumulative = bg_model._expected_curve(horizons[:, None], x, t_x, t)
        per_month = np.diff(cumulative, axis=0)
        discount = (1.0 + monthly_discount_rate) ** -steps[1:]
        return value * np.einsum("k,kn->n", discount, per_month)


def _frequency_monetary(frequency: ArrayLike, monetary_value: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Return validated (frequency, monetary_value) arrays."""
    x = as_float_array("frequency", frequency)
    z = as_float_array("monetary_value", monetary_value)
    check_same_length(frequency=x, monetary_value=z)
    frequency_recency_T(x, np.where(x > 0, 1.0, 0.0), np.ones_like(x))
    return x, z


def _log_likelihood(theta: NDArray[np.float64], x: FloatArray, z: FloatArray) -> FloatArray:
    """Return each repeat buyer's log density of their mean value z given x (FHL 2005, iso-value curves)."""
    p, q, gamma = theta
    px = p * x
    return (
        gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma)
        + px * np.log(x) + (px - 1.0) * np.log(z) - (px + q) * np.log(gamma + x * z)
    )


class _Objective:
    """Mean negative log-likelihood and its gradient in log-parameter space.

    Every term but log(gamma + x z) depends on x alone or not on the parameters, so it is summed once.
    """

    def __init__(self, x: FloatArray, z: FloatArray, w: FloatArray, penalizer: float) -> None:
        """Precompute what does not depend on the parameters."""
        self.x_values, x_index = np.unique(x, return_inverse=True)
        self.w_x = np.bincount(x_index, weights=w, minlength=len(self.x_values))
        self.xz, self.w, self.wx = x * z, w, w * x
        log_z = np.log(z)
        self.s_xlogx = dot(self.wx, np.log(x))
        self.s_logz = dot(w, log_z)
        self.s_xlogz = dot(self.wx, log_z)
        self.penalizer = penalizer
        self.total_weight = float(w.sum())

    def __call__(self, log_theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        """Return the penalised mean negative log-likelihood and its gradient in log space."""
        theta = np.exp(log_theta)
        p, q, gamma = theta
        xv, w_x = self.x_values, self.w_x
        weight = self.total_weight
        log_g = np.log(gamma + self.xz)
        inv_g = 1.0 / (gamma + self.xz)
        s_log_g, s_xlog_g = dot(self.w, log_g), dot(self.wx, log_g)
        ll = (
            dot(w_x, gammaln(p * xv + q) - gammaln(p * xv)) - weight * gammaln(q) + weight * q * np.log(gamma)
            + p * (self.s_xlogx + self.s_xlogz) - self.s_logz - p * s_xlog_g - q * s_log_g
        )
        digamma_sum = psi(p * xv + q)
        d_p = dot(w_x * xv, digamma_sum - psi(p * xv)) + self.s_xlogx + self.s_xlogz - s_xlog_g
        d_q = dot(w_x, digamma_sum) - weight * psi(q) + weight * np.log(gamma) - s_log_g
        d_gamma = weight * q / gamma - p * dot(self.wx, inv_g) - q * dot(self.w, inv_g)
        grad = np.array([d_p, d_q, d_gamma]) / weight
        value = -float(ll) / weight + self.penalizer * float(np.sum(log_theta**2))
        return value, -grad * theta + 2.0 * self.penalizer * log_theta
