"""Probabilistic customer-lifetime models: BG/NBD for purchases, Gamma-Gamma for spend."""

from __future__ import annotations

from xsight.analytics.clv.beta_geo import BetaGeo
from xsight.analytics.clv.compress import compress_rows
from xsight.analytics.clv.gamma_gamma import GammaGamma
from xsight.analytics.clv.modified_beta_geo import ModifiedBetaGeo
from xsight.analytics.errors import ConvergenceError, InvalidInputError, NotFittedError

__all__ = [
    "BetaGeo", "ConvergenceError", "GammaGamma", "InvalidInputError", "ModifiedBetaGeo", "NotFittedError",
    "compress_rows",
]
