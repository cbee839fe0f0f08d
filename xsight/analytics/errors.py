"""Exceptions raised by the analytics library."""

from __future__ import annotations


class AnalyticsError(Exception):
    """Base class for every error the analytics library raises."""


class InvalidInputError(AnalyticsError, ValueError):
    """The arrays passed in break a documented precondition (the message names which)."""


class NotFittedError(AnalyticsError, RuntimeError):
    """A model method that needs learned parameters was called before ``fit``."""


class ConvergenceError(AnalyticsError, RuntimeError):
    """The maximum-likelihood fit did not reach a trustworthy optimum."""
