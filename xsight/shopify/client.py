"""Admin GraphQL client: paces itself from throttleStatus, retries only what retrying fixes."""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from xsight.config import DEFAULT_API_VERSION
from xsight.errors import (
    MaxCostExceeded,
    ShopifyError,
    ShopifyGraphQLError,
    ShopifyHTTPError,
    ShopifyNetworkError,
    ShopifyThrottled,
    ShopifyUnauthorized,
)
from xsight.ops import metrics
from xsight.shopify import queries
from xsight.shopify.cost import estimate_cost
from xsight.shopify.http import admin_graphql_url
from xsight.shopify.retry import (
    MAX_ATTEMPTS,
    RETRIABLE_GRAPHQL_CODES,
    RETRIABLE_STATUSES,
    backoff_delay,
    parse_retry_after,
)
from xsight.shopify.throttle import CostBucket, parse_cost

logger = logging.getLogger(__name__)

SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
DOCUMENT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Characters of a response body quoted in an error message, enough to see Shopify's reason.
BODY_EXCERPT_CHARS = 300


@dataclass(frozen=True)
class _Retry:
    """A response worth retrying: why, Shopify's wait hint (None: back off), the error if out of tries."""

    reason: str
    wait: float | None
    error: Callable[[int], ShopifyError]


@dataclass
class ClientStats:
    """Counters a sync run reports: calls, HTTP requests, waits and costs."""

    calls: int = 0
    requests: int = 0
    retries: int = 0
    throttled: int = 0
    pacing_waits: int = 0
    pacing_wait_seconds: float = 0.0
    retry_wait_seconds: float = 0.0
    requested_cost: float = 0.0
    actual_cost: float = 0.0


class AdminClient:
    """Send GraphQL documents to one shop's Admin API with pacing, retries and typed errors.

    One instance per shop and task: the bucket estimate and stats are not shared between threads.
    The token comes from `token()` on every request; `on_unauthorized()` (e.g. refresh the
    expiring offline token) runs at most once per call before the request is sent again.
    """

    def __init__(self, shop: str, http: httpx.Client, token: Callable[[], str], *,
                 api_version: str = DEFAULT_API_VERSION,
                 on_unauthorized: Callable[[], None] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None,
                 max_attempts: int = MAX_ATTEMPTS) -> None:
        if not SHOP_DOMAIN.match(shop):
            raise ValueError(f"Shop must be a domain like example.myshopify.com, got {shop!r}.")
        self.shop = shop
        self.api_version = api_version
        self.url = admin_graphql_url(shop, api_version)
        self.http = http
        self.stats = ClientStats()
        self.bucket = CostBucket()
        self._token = token
        self._on_unauthorized = on_unauthorized
        self._clock, self._wall, self._sleep = clock, wall_clock, sleep
        self._rng = rng or random.Random()
        self._max_attempts = max(1, max_attempts)
        self._cost_ratio: dict[str, float] = {}

    def __repr__(self) -> str:
        return f"AdminClient(shop={self.shop!r}, api_version={self.api_version!r})"

    def execute(self, document: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run a document (a queries/ name or GraphQL text) and return its `data`."""
        try:
            data = self._execute(document, variables)
        except ShopifyError as exc:
            metrics.SHOPIFY_CALLS.labels(_outcome(exc)).inc()
            raise
        metrics.SHOPIFY_CALLS.labels("ok").inc()
        return data

    def _execute(self, document: str, variables: Mapping[str, Any] | None) -> dict[str, Any]:
        text = queries.load(document) if DOCUMENT_NAME.match(document) else document
        variables = dict(variables or {})
        estimate = float(estimate_cost(text, variables))
        self.stats.calls += 1
        attempt, refreshed = 0, False
        while True:
            self._pace(estimate * self._cost_ratio.get(text, 1.0))
            self.stats.requests += 1
            try:
                outcome = self._interpret(self._post(text, variables), text, estimate)
            except httpx.TransportError as exc:
                outcome = self._network_retry(exc)
            except ShopifyUnauthorized:
                if self._on_unauthorized is None or refreshed:
                    raise
                refreshed = True  # one refresh per call; a second 401 is final
                self._on_unauthorized()
                continue
            if not isinstance(outcome, _Retry):
                return outcome
            if attempt >= self._max_attempts - 1:
                raise outcome.error(attempt + 1)
            self._wait_before_retry(attempt, outcome.wait, outcome.reason)
            attempt += 1

    def _interpret(self, response: httpx.Response, text: str, estimate: float) -> dict[str, Any] | _Retry:
        """Return the data, a retry decision, or raise the terminal error the response means."""
        status = response.status_code
        if status == 401:
            raise ShopifyUnauthorized(f"Shopify refused the access token for {self.shop} (401); "
                                      "the token was revoked or expired, so refresh or reinstall.")
        payload = self._json(response)
        if payload is not None:
            self._observe(text, estimate, payload)
        if status in RETRIABLE_STATUSES:
            self.stats.throttled += status == 429
            hint = parse_retry_after(response.headers.get("Retry-After"), self._wall())
            if hint is None and status == 429:
                hint = self._throttle_wait(estimate, text)
            return _Retry(f"HTTP {status}", hint, lambda n: self._http_error(response, exhausted=True))
        if status >= 400 or payload is None:
            raise self._http_error(response, exhausted=False)
        errors = payload.get("errors") or []
        codes = {_code(e) for e in errors}
        if codes & RETRIABLE_GRAPHQL_CODES:
            self.stats.throttled += "THROTTLED" in codes
            reason = ", ".join(sorted(codes & RETRIABLE_GRAPHQL_CODES))
            return _Retry(reason, self._throttle_wait(estimate, text), lambda n: ShopifyThrottled(
                f"Shopify kept answering {reason} for {self.shop} after {n} attempts."))
        if "MAX_COST_EXCEEDED" in codes:
            raise MaxCostExceeded(_messages(errors), errors)
        if errors:
            raise ShopifyGraphQLError(_messages(errors), errors, payload.get("data"))
        data = payload.get("data")
        if not isinstance(data, dict):
            raise ShopifyError(f"Shopify answered {self.shop} without data or errors.")
        return data

    def _network_retry(self, exc: httpx.TransportError) -> _Retry:
        detail = f"{type(exc).__name__}: {exc}"
        return _Retry(f"network error {type(exc).__name__}", None, lambda n: ShopifyNetworkError(
            f"Could not reach {self.shop} after {n} attempts ({detail})."))

    def _post(self, text: str, variables: dict[str, Any]) -> httpx.Response:
        headers = {"X-Shopify-Access-Token": self._token(), "Content-Type": "application/json",
                   "Accept": "application/json"}
        return self.http.post(self.url, json={"query": text, "variables": variables}, headers=headers)

    def _pace(self, expected_cost: float) -> None:
        wait = self.bucket.wait_for(expected_cost, self._clock())
        if wait > 0:
            self.stats.pacing_waits += 1
            self.stats.pacing_wait_seconds += wait
            metrics.SHOPIFY_WAIT.labels("pacing").inc(wait)
            logger.debug("pacing %s: waiting %.2fs for %.0f points", self.shop, wait, expected_cost)
            self._sleep(wait)

    def _observe(self, text: str, estimate: float, payload: Mapping[str, Any]) -> None:
        requested, status = parse_cost(payload)
        if status is not None:
            self.bucket.observe(status, self._clock())
            metrics.SHOPIFY_BUCKET.set(status.currently_available)
        if requested is not None and estimate > 0:
            self._cost_ratio[text] = requested / estimate
            self.stats.requested_cost += requested
        actual = ((payload.get("extensions") or {}).get("cost") or {}).get("actualQueryCost")
        if isinstance(actual, int | float):
            self.stats.actual_cost += actual

    def _throttle_wait(self, estimate: float, text: str) -> float | None:
        """Return (requested - available) / restoreRate when Shopify said how full the bucket is."""
        if self.bucket.status is None:
            return None
        wait = self.bucket.wait_for(estimate * self._cost_ratio.get(text, 1.0), self._clock())
        return wait if wait > 0 else None  # the bucket looked full: another caller shares it, back off

    def _wait_before_retry(self, attempt: int, hinted: float | None, reason: str) -> None:
        delay = backoff_delay(attempt, self._rng, hinted)
        self.stats.retries += 1
        self.stats.retry_wait_seconds += delay
        metrics.SHOPIFY_WAIT.labels("retry").inc(delay)
        level = logging.INFO if reason in ("THROTTLED", "HTTP 429") else logging.WARNING
        logger.log(level, "shopify call to %s retried after %s (attempt %d, waiting %.2fs)",
                   self.shop, reason, attempt + 1, delay)
        self._sleep(delay)

    def _json(self, response: httpx.Response) -> dict[str, Any] | None:
        try:
            payload = response.json()
        except ValueError:
            return None
        return payload if isinstance(payload, dict) else None

    def _http_error(self, response: httpx.Response, *, exhausted: bool) -> ShopifyError:
        status = response.status_code
        excerpt = self._scrub(response.text[:BODY_EXCERPT_CHARS])
        if exhausted and status == 429:
            return ShopifyThrottled(f"Shopify kept answering 429 for {self.shop} after every retry.")
        when = "after every retry" if exhausted else "(not retried)"
        return ShopifyHTTPError(f"Shopify answered HTTP {status} for {self.shop} {when}: {excerpt}",
                                shopify_status=status,
                                retry_after=parse_retry_after(response.headers.get("Retry-After"),
                                                              self._wall()))

    def _scrub(self, text: str) -> str:
        """Redact the token should Shopify ever echo it (the client keeps no copy of its own)."""
        token = self._token()
        return text.replace(token, "[redacted]") if token else text


def _outcome(exc: ShopifyError) -> str:
    """Name a failed call's outcome for the calls counter."""
    if isinstance(exc, ShopifyUnauthorized):
        return "unauthorized"
    if isinstance(exc, ShopifyThrottled):
        return "throttled"
    if isinstance(exc, ShopifyNetworkError):
        return "network_error"
    if isinstance(exc, ShopifyGraphQLError):
        return "graphql_error"
    return "http_error"


def _code(error: Mapping[str, Any]) -> str:
    extensions = error.get("extensions")
    return str(extensions.get("code", "")) if isinstance(extensions, Mapping) else ""


def _messages(errors: list[dict[str, Any]]) -> str:
    return "Shopify rejected the query: " + "; ".join(str(e.get("message", e)) for e in errors[:5])
