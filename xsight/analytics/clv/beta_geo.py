"""BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting your customers the easy way")."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import betaln, expit, gammaln, hyp2f1, psi

from xsight.analytics.clv._inputs import FloatArray, frequency_recency_T, weights_for
from xsight.analytics.clv._optimize import maximise_log_space
from xsight.analytics.errors import ConvergenceError, InvalidInputError, NotFittedError

PARAM_NAMES = ("r", "alpha", "a", "b")


class BetaGeo:
    """BG/NBD: Poisson purchasing at a gamma-distributed rate, beta-geometric dropout after each repeat."""

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        """Configure the fitter; ``penalizer_coef`` > 0 adds a ridge penalty on the log-parameters."""
        if not penalizer_coef >= 0:
            raise InvalidInputError(f"penalizer_coef must be >= 0; got {penalizer_coef}.")
        self.penalizer_coef = float(penalizer_coef)

    def fit(
        self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, weights: ArrayLike | None = None
    ) -> BetaGeo:
        """Fit (r, alpha, a, b) by maximum likelihood; ``weights`` counts identical (f, r, T) rows."""
        x, t_x, t = frequency_recency_T(frequency, recency, T)
        w = weights_for(weights, len(x))
        if len(x) == 0:
            raise InvalidInputError("BetaGeo.fit needs at least one customer; got none.")
        if not np.any((x > 0) & (w > 0)):
            raise InvalidInputError("BetaGeo.fit needs at least one repeat buyer (frequency > 0); got none.")
        objective = _Objective(x, t_x, t, w, self.penalizer_coef)
        mean_rate = float(np.average(x, weights=w) / max(np.average(t, weights=w), 1e-9))
        start = np.log([1.0, 1.0 / max(mean_rate, 1e-6), 1.0, 1.0])
        theta = np.exp(maximise_log_space(objective, start, PARAM_NAMES, "BetaGeo"))
        self.params_ = dict(zip(PARAM_NAMES, (float(v) for v in theta), strict=True))
        self.log_likelihood_ = float(np.sum(w * _log_likelihood(theta, x, t_x, t)))
        self.n_customers_ = float(w.sum())
        return self

    def _theta(self) -> tuple[float, float, float, float]:
        """Return the fitted (r, alpha, a, b) or raise NotFittedError."""
        if not hasattr(self, "params_"):
            raise NotFittedError("This BetaGeo model is not fitted yet; call fit(frequency, recency, T).")
        p = self.params_
        return p["r"], p["alpha"], p["a"], p["b"]

    def conditional_probability_alive(
        self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Return P(alive at T | x, t_x, T); it is 1 for customers with no repeat purchase."""
        r, alpha, a, b = self._theta()
        x, t_x, t = frequency_recency_T(frequency, recency, T)
        return _p_alive(r, alpha, a, b, x, t_x, t)

    def conditional_expected_purchases(
        self, t: float | ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Return E[repeat purchases in (T, T + t] | x, t_x, T] (FHL 2005, eq. 10)."""
        r, alpha, a, b = self._theta()
        x, t_x, big_t = frequency_recency_T(frequency, recency, T)
        horizon = np.broadcast_to(np.asarray(t, dtype=np.float64), x.shape)
        if np.any(horizon < 0) or not np.all(np.isfinite(horizon)):
            raise InvalidInputError(f"t must be finite and >= 0; got {t!r}.")
        z = horizon / (alpha + big_t + horizon)
        log_ratio = (r + x) * (np.log(alpha + big_t) - np.log(alpha + big_t + horizon))
        bracket = 1.0 - np.exp(log_ratio) * hyp2f1(r + x, b + x, a + b + x - 1.0, z)
        out = (a + b + x - 1.0) / (a - 1.0) * bracket * _p_alive(r, alpha, a, b, x, t_x, big_t)
        return _finite(out, "conditional_expected_purchases")

    def expected_purchases(self, t: float | ArrayLike) -> FloatArray:
        """Return E[X(t)], the expected purchases of a new customer in (0, t] (FHL 2005, eq. 9)."""
        r, alpha, a, b = self._theta()
        horizon = np.atleast_1d(np.asarray(t, dtype=np.float64))
        if np.any(horizon < 0) or not np.all(np.isfinite(horizon)):
            raise InvalidInputError(f"t must be finite and >= 0; got {t!r}.")
        power = np.exp(r * (np.log(alpha) - np.log(alpha + horizon)))
        series = hyp2f1(r, b, a + b - 1.0, horizon / (alpha + horizon))
        out = (a + b - 1.0) / (a - 1.0) * (1.0 - power * series)
        return _finite(out, "expected_purchases")


def _p_alive(
    r: float, alpha: float, a: float, b: float, x: FloatArray, t_x: FloatArray, t: FloatArray
) -> FloatArray:
    """Return P(alive) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)) in log space."""
    has_repeat = x > 0
    denom = np.where(has_repeat, b + x - 1.0, 1.0)
    log_odds_dead = np.log(a) - np.log(denom) + (r + x) * (np.log(alpha + t) - np.log(alpha + t_x))
    return np.where(has_repeat, expit(-log_odds_dead), 1.0)


def _finite(values: FloatArray, what: str) -> FloatArray:
    """Return ``values`` or raise ConvergenceError when the hypergeometric series broke down."""
    if not np.all(np.isfinite(values)):
        raise ConvergenceError(f"{what} is not finite for these parameters (hyp2f1 did not converge).")
    return values


def _log_likelihood(
    theta: NDArray[np.float64], x: FloatArray, t_x: FloatArray, t: FloatArray
) -> FloatArray:
    """Return each customer's BG/NBD log-likelihood (FHL 2005, eq. 6) on the paper's scale."""
    return _Objective(x, t_x, t, np.ones_like(x), 0.0).per_customer(theta)[0]


class _Objective:
    """Mean negative log-likelihood and its gradient in log-parameter space, for one data set."""

    def __init__(
        self, x: FloatArray, t_x: FloatArray, t: FloatArray, w: FloatArray, penalizer: float
    ) -> None:
        """Precompute what does not depend on the parameters."""
        self.x_values, self.x_index = np.unique(x, return_inverse=True)
        self.t_x, self.t, self.w, self.penalizer = t_x, t, w, penalizer
        self.repeat = x > 0
        self.total_weight = float(w.sum())

    def per_customer(self, theta: NDArray[np.float64]) -> tuple[FloatArray, NDArray[np.float64]]:
        """Return per-customer log-likelihoods and their (n, 4) gradient with respect to theta."""
        r, alpha, a, b = theta
        xv, idx = self.x_values, self.x_index
        x = xv[idx]
        # Terms that depend on x only are computed once per distinct x.
        base = (gammaln(r + xv) - gammaln(r) + r * np.log(alpha) - betaln(a, b) + betaln(a, b + xv))[idx]
        log_a_t = np.log(alpha + self.t)
        log_a_tx = np.log(alpha + self.t_x)
        t1 = base - (r + x) * log_a_t
        # log of the second term minus the first: ln(a / (b + x - 1)) + (r + x)(ln(alpha+T) - ln(alpha+t_x)).
        denom = np.where(xv > 0, b + xv - 1.0, 1.0)
        diff = (np.log(a) - np.log(denom))[idx] + (r + x) * (log_a_t - log_a_tx)
        diff = np.where(self.repeat, diff, -np.inf)
        ll = t1 + np.logaddexp(0.0, diff)
        w2 = expit(diff)
        w1 = 1.0 - w2
        d_r = (psi(r + xv) - psi(r))[idx] + np.log(alpha) - w1 * log_a_t - w2 * log_a_tx
        d_alpha = r / alpha - (r + x) * (w1 / (alpha + self.t) + w2 / (alpha + self.t_x))
        ab = psi(a + b + xv)
        d_a = (psi(a + b) - ab)[idx] + w2 / a
        d_b = (psi(a + b) - psi(b) + psi(b + xv) - ab)[idx] - w2 * (1.0 / denom)[idx]
        return ll, np.column_stack((d_r, d_alpha, d_a, d_b))

    def __call__(self, log_theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        """Return the penalised mean negative log-likelihood and its gradient in log space."""
        theta = np.exp(log_theta)
        ll, grad = self.per_customer(theta)
        value = -float(self.w @ ll) / self.total_weight + self.penalizer * float(log_theta @ log_theta)
        g = -(self.w @ grad) / self.total_weight * theta + 2.0 * self.penalizer * log_theta
        return value, g
