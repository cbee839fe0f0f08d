"""Model Shopify's per app+shop leaky bucket from `extensions.cost.throttleStatus`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ThrottleStatus:
    """The bucket as Shopify reported it, and when (on the client's monotonic clock)."""

    maximum_available: float
    currently_available: float
    restore_rate: float
    observed_at: float

    def available_at(self, now: float) -> float:
        """Return the points the bucket should hold at `now`, refilled since it was observed."""
        refilled = self.currently_available + max(0.0, now - self.observed_at) * self.restore_rate
        return min(self.maximum_available, refilled)


def parse_cost(payload: Mapping[str, Any]) -> tuple[float | None, ThrottleStatus | None]:
    """Return (requestedQueryCost, throttleStatus without a timestamp) from a response body."""
    extensions = payload.get("extensions")
    cost = extensions.get("cost") if isinstance(extensions, Mapping) else None
    if not isinstance(cost, Mapping):
        return None, None
    requested = cost.get("requestedQueryCost")
    status = cost.get("throttleStatus")
    throttle = None
    if isinstance(status, Mapping):
        try:
            throttle = ThrottleStatus(
                maximum_available=float(status["maximumAvailable"]),
                currently_available=float(status["currentlyAvailable"]),
                restore_rate=float(status["restoreRate"]),
                observed_at=0.0,
            )
        except (KeyError, TypeError, ValueError):
            throttle = None
    return (float(requested) if isinstance(requested, int | float) else None), throttle


class CostBucket:
    """Remember the last throttle status and say how long to wait before spending `cost` points."""

    def __init__(self) -> None:
        self._status: ThrottleStatus | None = None

    @property
    def status(self) -> ThrottleStatus | None:
        """Return the last observed status, if any."""
        return self._status

    def observe(self, status: ThrottleStatus, now: float) -> None:
        """Record a status Shopify reported at `now`."""
        self._status = ThrottleStatus(status.maximum_available, status.currently_available,
                                      status.restore_rate, now)

    def wait_for(self, cost: float, now: float) -> float:
        """Return seconds until the bucket holds `cost` points: (cost - available) / restoreRate."""
        status = self._status
        if status is None or status.restore_rate <= 0:
            return 0.0
        needed = min(cost, status.maximum_available)
        available = status.available_at(now)
        if needed <= available:
            return 0.0
        return (needed - available) / status.restore_rate
