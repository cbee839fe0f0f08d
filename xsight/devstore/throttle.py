"""Meter query cost with a leaky bucket per app and shop, as Shopify does."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

BUCKET_SECONDS = 20  # maximumAvailable = 20 x restore rate


@dataclass
class Bucket:
    """One app+shop bucket: capacity, restore rate and what is left at `stamp`."""

    maximum: float
    rate: float
    available: float
    stamp: float


class Throttle:
    """Leaky buckets keyed by (client id, shop)."""

    def __init__(self, clock: object = time.monotonic) -> None:
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def _now(self) -> float:
        return float(self._clock())  # type: ignore[operator]

    def _bucket(self, key: tuple[str, str], rate: float) -> Bucket:
        now = self._now()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(rate * BUCKET_SECONDS, rate, rate * BUCKET_SECONDS, now)
        bucket.available = min(bucket.maximum, bucket.available + (now - bucket.stamp) * bucket.rate)
        bucket.stamp = now
        return bucket

    def take(self, key: tuple[str, str], rate: float, cost: float) -> tuple[bool, Bucket]:
        """Take `cost` points if available; return (granted, bucket state after)."""
        with self._lock:
            bucket = self._bucket(key, rate)
            if cost > bucket.available:
                return False, Bucket(bucket.maximum, bucket.rate, bucket.available, bucket.stamp)
            bucket.available -= cost
            return True, Bucket(bucket.maximum, bucket.rate, bucket.available, bucket.stamp)

    def refund(self, key: tuple[str, str], rate: float, points: float) -> Bucket:
        """Give back points (requested minus actual cost); return the bucket state."""
        with self._lock:
            bucket = self._bucket(key, rate)
            bucket.available = min(bucket.maximum, bucket.available + max(points, 0.0))
            return Bucket(bucket.maximum, bucket.rate, bucket.available, bucket.stamp)

    def peek(self, key: tuple[str, str], rate: float) -> Bucket:
        """Return the bucket state without taking anything."""
        with self._lock:
            bucket = self._bucket(key, rate)
            return Bucket(bucket.maximum, bucket.rate, bucket.available, bucket.stamp)

    def reset(self) -> None:
        """Refill every bucket (tests and the control API)."""
        with self._lock:
            self._buckets.clear()
