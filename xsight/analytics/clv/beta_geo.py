"""BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting your customers the easy way")."""

from __future__ import annotations

from typing import Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import betaln, expit, gammaln, hyp2f1, psi

from xsight.analytics._arrays import dot
from xsight.analytics.clv._inputs import FloatArray, frequency_recency_T, weights_for
from xsight.analytics.clv._optimize import maximise_log_space, standard_errors
from xsight.analytics.errors import ConvergenceError, InvalidInputError, NotFittedError

PARAM_NAMES = ("r", "alpha", "a", "b")


class BetaGeo:
    """BG/NBD: Poisson purchasing at a gamma-distributed rate, beta-geometric dropout after each repeat."""

    # 0 for BG/NBD (dropout only after repeat purchases); 1 for MBG/NBD (also right after the first).
    _shift = 0

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        """Configure the fitter; ``penalizer_coef`` > 0 adds a ridge penalty on the log-parameters."""
        if not penalizer_coef >= 0:
            raise InvalidInputError(f"penalizer_coef must be >= 0; got {penalizer_coef}.")
        self.penalizer_coef = float(penalizer_coef)

    def fit(
        self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, weights: ArrayLike | None = None
    ) -> Self:
        """Fit (r, alpha, a, b) by maximum likelihood; ``weights`` counts identical (f, r, T) rows."""
        x, t_x, t = frequency_recency_T(frequency, recency, T)
        w = weights_for(weights, len(x))
        if len(x) == 0:
            raise InvalidInputError(f"{type(self).__name__}.fit needs at least one customer; got none.")
        if not np.any((x > 0) & (w > 0)):
            raise InvalidInputError(
                f"{type(self).__name__}.fit needs at least one repeat buyer (frequency > 0); got none."
            )
        objective = _Objective(x, t_x, t, w, self.penalizer_coef, self._shift)
        mean_rate = float(np.average(x, weights=w) / max(np.average(t, weights=w), 1e-9))
        start = np.log([1.0, 1.0 / max(mean_rate, 1e-6), 1.0, 1.0])
        log_theta = maximise_log_space(objective, start, PARAM_NAMES, type(self).__name__)
        theta = np.exp(log_theta)
        self.params_ = dict(zip(PARAM_NAMES, (float(v) for v in theta), strict=True))
        se = standard_errors(objective, log_theta, float(w.sum()))
        self.standard_errors_ = dict(zip(PARAM_NAMES, (float(v) for v in se), strict=True))
        self.log_likelihood_ = float(np.sum(w * _log_likelihood(theta, x, t_x, t, self._shift)))
        self.n_customers_ = float(w.sum())
        return self

    def _theta(self) -> tuple[float, float, float, float]:
        """Return the fitted (r, alpha, a, b) or raise NotFittedError."""
        if not hasattr(self, "params_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit(frequency, recency, T).")
        p = self.params_
        return p["r"], p["alpha"], p["a"], p["b"]

    def conditional_probability_alive(
        self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Return P(alive at T | x, t_x, T); under BG/NBD it is 1 for customers with no repeat purchase."""
        x, t_x, t = frequency_recency_T(frequency, recency, T)
        return _p_alive(self._theta(), x, t_x, t, self._shift)

    def conditional_expected_purchases(
        self, t: float | ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Return E[repeat purchases in (T, T + t] | x, t_x, T] (FHL 2005, eq. 10)."""
        x, t_x, big_t = frequency_recency_T(frequency, recency, T)
        horizon = np.asarray(t, dtype=np.float64)
        if horizon.ndim == 0:
            return self._expected_curve(horizon.reshape(1, 1), x, t_x, big_t)[0]
        if horizon.shape != x.shape:
            raise InvalidInputError(f"t must be a number or one per customer; got shape {horizon.shape}.")
        return self._expected_curve(horizon[None, :], x, t_x, big_t)[0]

    def _expected_curve(
        self, horizons: NDArray[np.float64], x: FloatArray, t_x: FloatArray, big_t: FloatArray
    ) -> NDArray[np.float64]:
        """Return expected purchases for validated inputs; ``horizons`` is (k, 1) shared or (1, n)."""
        r, alpha, a, b = self._theta()
        if np.any(horizons < 0) or not np.all(np.isfinite(horizons)):
            raise InvalidInputError("t must be finite and >= 0.")
        if horizons.shape[1] == 1:
            # With shared horizons the series depends on (x, T) only: evaluate it once per distinct pair.
            first, inverse = _distinct_pairs(x, big_t)
        else:
            first = inverse = np.arange(len(x))
        xu, tu, hu = x[first], big_t[first], horizons if horizons.shape[1] == 1 else horizons[:, first]
        z = hu / (alpha + tu + hu)
        log_ratio = (r + xu) * (np.log(alpha + tu) - np.log(alpha + tu + hu))
        c = a + b + xu - 1.0 + self._shift
        bracket = (1.0 - np.exp(log_ratio) * hyp2f1(r + xu, b + xu + self._shift, c, z))[:, inverse]
        prefactor = (a + b + x - 1.0 + self._shift) / (a - 1.0)
        out = prefactor * bracket * _p_alive(self._theta(), x, t_x, big_t, self._shift)
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
    theta: tuple[float, float, float, float], x: FloatArray, t_x: FloatArray, t: FloatArray, shift: int
) -> FloatArray:
    """Return P(alive) = 1 / (1 + [x > 0 or MBG] a/(b+x-1+shift) ((alpha+T)/(alpha+t_x))^(r+x))."""
    r, alpha, a, b = theta
    can_drop = (x > 0) | (shift > 0)
    denom = np.where(can_drop, b + x - 1.0 + shift, 1.0)
    log_odds_dead = np.log(a) - np.log(denom) + (r + x) * (np.log(alpha + t) - np.log(alpha + t_x))
    return np.where(can_drop, expit(-log_odds_dead), 1.0)


def _distinct_pairs(x: FloatArray, t: FloatArray) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Return the first row of each distinct (x, t) pair and each row's pair index."""
    _, xi = np.unique(x, return_inverse=True)
    _, ti = np.unique(t, return_inverse=True)
    _, first, inverse = np.unique(xi.astype(np.int64) * len(t) + ti, return_index=True, return_inverse=True)
    return first, inverse


def _finite(values: FloatArray, what: str) -> FloatArray:
    """Return ``values`` or raise ConvergenceError when the hypergeometric series broke down."""
    if not np.all(np.isfinite(values)):
        raise ConvergenceError(f"{what} is not finite for these parameters (hyp2f1 did not converge).")
    return values


def _log_likelihood(
    theta: NDArray[np.float64], x: FloatArray, t_x: FloatArray, t: FloatArray, shift: int = 0
) -> FloatArray:
    """Return each customer's log-likelihood on the paper's scale (FHL 2005; MBG/NBD if shift=1)."""
    r, alpha, a, b = theta
    log_a_t = np.log(alpha + t)
    first = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b) + betaln(a, b + x + shift)
    first -= (r + x) * log_a_t
    can_drop = (x > 0) | (shift > 0)
    denom = np.where(can_drop, b + x - 1.0 + shift, 1.0)
    diff = np.log(a) - np.log(denom) + (r + x) * (log_a_t - np.log(alpha + t_x))
    return first + np.where(can_drop, np.logaddexp(0.0, diff), 0.0)


class _Objective:
    """Mean negative log-likelihood and its gradient in log-parameter space, for one data set.

    Terms that depend on x alone are summed once per distinct x, and (BG/NBD) customers without repeats
    once per distinct T, so the per-row work is a few logs on the repeat buyers.
    """

    def __init__(
        self, x: FloatArray, t_x: FloatArray, t: FloatArray, w: FloatArray, penalizer: float, shift: int
    ) -> None:
        """Precompute what does not depend on the parameters."""
        self.shift = shift
        self.x_values, x_index = np.unique(x, return_inverse=True)
        self.w_x = np.bincount(x_index, weights=w, minlength=len(self.x_values))
        repeat = (x > 0) | (shift > 0)
        self.idx_r, self.x_r, self.w_r = x_index[repeat], x[repeat], w[repeat]
        self.tx_r, self.t_r = t_x[repeat], t[repeat]
        self.t_0, t0_index = np.unique(t[~repeat], return_inverse=True)
        self.w_0 = np.bincount(t0_index, weights=w[~repeat], minlength=len(self.t_0))
        self.penalizer = penalizer
        self.total_weight = float(w.sum())

    def totals(self, theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        """Return the weighted total log-likelihood and its gradient with respect to theta."""
        r, alpha, a, b = theta
        xv, wx = self.x_values, self.w_x
        x_r, w_r = self.x_r, self.w_r
        lt0 = np.log(alpha + self.t_0)
        lt_r = np.log(alpha + self.t_r)
        ltx_r = np.log(alpha + self.tx_r)
        s = self.shift
        denom = np.where((xv > 0) | (s > 0), b + xv - 1.0 + s, 1.0)
        diff = (np.log(a) - np.log(denom))[self.idx_r] + (r + x_r) * (lt_r - ltx_r)
        ww2 = w_r * expit(diff)
        base = gammaln(r + xv) - gammaln(r) + r * np.log(alpha) - betaln(a, b) + betaln(a, b + xv + s)
        total = dot(wx, base) - r * dot(self.w_0, lt0) - dot(w_r, (r + x_r) * lt_r)
        total += dot(w_r, np.logaddexp(0.0, diff))

        weight = float(wx.sum())
        psi_abx = psi(a + b + xv + s)
        d_r = dot(wx, psi(r + xv) - psi(r)) + weight * np.log(alpha) - dot(self.w_0, lt0) - dot(w_r, lt_r)
        d_r -= dot(ww2, ltx_r - lt_r)
        inv_t, inv_tx = 1.0 / (alpha + self.t_r), 1.0 / (alpha + self.tx_r)
        d_alpha = weight * r / alpha - r * dot(self.w_0, 1.0 / (alpha + self.t_0))
        d_alpha -= dot(w_r * (r + x_r), inv_t) + dot((r + x_r) * ww2, inv_tx - inv_t)
        d_a = dot(wx, psi(a + b) - psi_abx) + ww2.sum() / a
        d_b = dot(wx, psi(a + b) - psi(b) + psi(b + xv + s) - psi_abx) - dot(ww2, (1.0 / denom)[self.idx_r])
        return float(total), np.array([d_r, d_alpha, d_a, d_b])

    def __call__(self, log_theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        """Return the penalised mean negative log-likelihood and its gradient in log space."""
        theta = np.exp(log_theta)
        ll, grad = self.totals(theta)
        value = -ll / self.total_weight + self.penalizer * float(np.sum(log_theta**2))
        g = -grad / self.total_weight * theta + 2.0 * self.penalizer * log_theta
        return value, g
