"""When and how long to wait before retrying a Shopify call."""

from __future__ import annotations

import random
from email.utils import parsedate_to_datetime

# Statuses worth retrying: rate limited or a gateway/edge failure. Every other 4xx is terminal.
RETRIABLE_STATUSES = frozenset({429, 502, 503, 504})
# GraphQL error codes (HTTP 200) worth retrying.
RETRIABLE_GRAPHQL_CODES = frozenset({"THROTTLED", "INTERNAL_SERVER_ERROR"})
# Attempts per call, the first included; with the backoff below the last retry waits ≤ 30 s.
MAX_ATTEMPTS = 7
# Exponential backoff: attempt n waits uniformly in [d/2, d] with d = min(cap, base · 2^n) seconds.
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 30.0
# A Retry-After larger than this is clamped: we would rather fail the task and reschedule it.
MAX_RETRY_AFTER_SECONDS = 60.0


def backoff_delay(attempt: int, rng: random.Random, retry_after: float | None = None) -> float:
    """Return seconds to wait before retry number `attempt` (0-based), honouring Retry-After."""
    if retry_after is not None:
        return min(max(0.0, retry_after), MAX_RETRY_AFTER_SECONDS)
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * (2 ** attempt))
    return rng.uniform(ceiling / 2, ceiling)


def parse_retry_after(value: str | None, now_epoch: float) -> float | None:
    """Return the Retry-After header as seconds from now (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now_epoch)
