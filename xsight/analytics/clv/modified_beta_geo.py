"""MBG/NBD: BG/NBD where customers may also drop out right after their first purchase."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import hyp2f1

from xsight.analytics.clv._inputs import FloatArray
from xsight.analytics.clv.beta_geo import BetaGeo, _finite
from xsight.analytics.errors import InvalidInputError


class ModifiedBetaGeo(BetaGeo):
    """MBG/NBD (Batislam, Denizel & Filiztekin 2007): P(alive) < 1 for one-time buyers too.

    Same parameters (r, alpha, a, b) and methods as BetaGeo; the likelihood gains the dropout chance
    at the first purchase: L = Gamma(r+x) alpha^r / Gamma(r) [B(a, b+x+1)/B(a, b) (alpha+T)^-(r+x)
    + B(a+1, b+x)/B(a, b) (alpha+t_x)^-(r+x)] for every x, including 0.
    """

    _shift = 1

    def expected_purchases(self, t: float | ArrayLike) -> FloatArray:
        """Return E[X(t)] = b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))]."""
        r, alpha, a, b = self._theta()
        horizon = np.atleast_1d(np.asarray(t, dtype=np.float64))
        if np.any(horizon < 0) or not np.all(np.isfinite(horizon)):
            raise InvalidInputError(f"t must be finite and >= 0; got {t!r}.")
        power = np.exp(r * (np.log(alpha) - np.log(alpha + horizon)))
        series = hyp2f1(r, b + 1.0, a + b, horizon / (alpha + horizon))
        return _finite(b / (a - 1.0) * (1.0 - power * series), "expected_purchases")
