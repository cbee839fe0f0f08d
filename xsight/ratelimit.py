"""Per-shop token buckets: in-process in embedded mode, shared in Redis otherwise."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

# Atomically refill and take one token; returns {allowed, milliseconds until a token is back}.
_REDIS_SCRIPT = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
local wait_ms = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait_ms = math.ceil((1 - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, wait_ms}
"""


@dataclass(frozen=True)
class Decision:
    """Whether a request may proceed, and if not, how many seconds until it may."""

    allowed: bool
    retry_after_s: int


class Limiter(Protocol):
    """Anything that can decide whether a shop may make one more request."""

    def hit(self, key: str) -> Decision: ...


class MemoryLimiter:
    """Token buckets held in this process (embedded mode: one process)."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> Decision:
        """Take one token from `key`'s bucket if there is one."""
        with self._lock:
            now = self._clock()
            tokens, at = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return Decision(True, 0)
            self._buckets[key] = (tokens, now)
            return Decision(False, max(1, math.ceil((1 - tokens) / self.rate)))


class RedisLimiter:
    """Token buckets in Redis, shared by every web worker."""

    def __init__(self, redis_client: Any, rate: float, burst: int, prefix: str = "xsight:rl:") -> None:
        self.rate, self.burst, self.prefix = rate, burst, prefix
        self._redis = redis_client
        self._script = redis_client.register_script(_REDIS_SCRIPT)

    def hit(self, key: str) -> Decision:
        """Take one token from `key`'s bucket if there is one."""
        allowed, wait_ms = self._script(keys=[self.prefix + key],
                                        args=[self.rate, self.burst, time.time()])
        return Decision(bool(allowed), 0 if allowed else max(1, math.ceil(int(wait_ms) / 1000)))


def build_limiter(redis_url: str, rate: float, burst: int) -> Limiter:
    """Return a Redis limiter when Redis is configured, else an in-process one."""
    if redis_url:
        import redis

        return RedisLimiter(redis.Redis.from_url(redis_url), rate, burst)
    return MemoryLimiter(rate, burst)
