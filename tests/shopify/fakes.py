"""Shopify-shaped fakes for client tests: a fake clock and a small Admin API with a leaky bucket."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

SHOP = "xsight-demo.myshopify.com"
TOKEN = "shpat_supersecret_0123456789abcdef"


class FakeClock:
    """A monotonic clock that only moves when someone sleeps (or `advance` is called)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


def cost_extension(requested: float, available: float, *, maximum: float = 2000.0,
                   rate: float = 100.0, actual: float | None = None) -> dict[str, Any]:
    """Return `extensions` exactly as Shopify shapes them."""
    return {"cost": {"requestedQueryCost": requested, "actualQueryCost": actual,
                     "throttleStatus": {"maximumAvailable": maximum, "currentlyAvailable": available,
                                        "restoreRate": rate}}}


def throttled_body(requested: float = 752, available: float = 666, *, maximum: float = 1000.0,
                   rate: float = 50.0) -> dict[str, Any]:
    """Return the real THROTTLED shape (community.shopify.com/t/throttled/254776)."""
    return {"errors": [{"message": "Throttled",
                        "extensions": {"code": "THROTTLED",
                                       "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
            "extensions": cost_extension(requested, available, maximum=maximum, rate=rate)}


def ok_body(data: dict[str, Any], requested: float = 10, available: float = 1990) -> dict[str, Any]:
    return {"data": data, "extensions": cost_extension(requested, available, actual=requested)}


class Script:
    """A MockTransport handler that answers from a list of responses (or exceptions) in order."""

    def __init__(self, *responses: httpx.Response | Exception) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.responses.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


@dataclass
class FaultyStore:
    """Pages through `count` customers with a leaky bucket, injected throttles, 5xx and latency."""

    clock: FakeClock
    count: int = 1000
    throttle_share: float = 0.0
    error_share: float = 0.0
    latency: float = 0.0
    maximum: float = 2000.0
    rate: float = 100.0
    cost_per_node: float = 1.0
    seed: int = 7
    available: float = field(init=False)
    updated_at: float = field(init=False)
    served: Counter[str] = field(default_factory=Counter)  # successful answers per cursor
    statuses: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.available = self.maximum
        self.updated_at = self.clock()
        self.rng = random.Random(self.seed)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.clock.advance(self.latency)
        body = json.loads(request.content)
        variables = body["variables"]
        first, after = int(variables["first"]), variables.get("after")
        requested = 2 + first * self.cost_per_node
        self._refill()
        roll = self.rng.random()
        if roll < self.error_share:
            self.statuses["5xx"] += 1
            return httpx.Response(self.rng.choice([502, 503, 504]), text="upstream error")
        if requested > self.available or roll < self.error_share + self.throttle_share:
            self.statuses["throttled"] += 1
            payload = throttled_body(requested, self.available, maximum=self.maximum, rate=self.rate)
            status = 429 if self.rng.random() < 0.3 else 200
            return httpx.Response(status, json=payload)
        start = int(after) if after else 0
        nodes = [{"id": f"gid://shopify/Customer/{i + 1}", "updatedAt": f"2026-01-01T00:00:{i % 60:02d}Z"}
                 for i in range(start, min(start + first, self.count))]
        end = start + len(nodes)
        self.available -= 2 + len(nodes) * self.cost_per_node
        self.served[str(after)] += 1
        self.statuses["ok"] += 1
        data = {"customers": {"pageInfo": {"hasNextPage": end < self.count, "endCursor": str(end)},
                              "nodes": nodes}}
        return httpx.Response(200, json={"data": data, "extensions": cost_extension(
            requested, self.available, maximum=self.maximum, rate=self.rate, actual=requested)})

    def _refill(self) -> None:
        now = self.clock()
        self.available = min(self.maximum, self.available + (now - self.updated_at) * self.rate)
        self.updated_at = now
