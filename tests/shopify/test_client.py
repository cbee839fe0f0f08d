"""AdminClient: pacing from throttleStatus, retries only where they help, typed errors, no token leaks."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.shopify.fakes import SHOP, TOKEN, FakeClock, Script, cost_extension, ok_body, throttled_body
from xsight.errors import (
    MaxCostExceeded,
    ShopifyGraphQLError,
    ShopifyHTTPError,
    ShopifyNetworkError,
    ShopifyThrottled,
    ShopifyUnauthorized,
)
from xsight.shopify.client import AdminClient
from xsight.shopify.retry import BACKOFF_CAP_SECONDS, MAX_ATTEMPTS, MAX_RETRY_AFTER_SECONDS

SHOP_QUERY = "{ shop { id name } }"
TWO_HUNDRED_TWO = "{ customers(first: 100) { nodes { id defaultAddress { id } } } }"
SHOP_DATA = {"shop": {"id": "gid://shopify/Shop/1", "name": "Demo"}}


def make_client(handler: Callable[[httpx.Request], httpx.Response], clock: FakeClock,
                **kwargs: Any) -> AdminClient:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return AdminClient(SHOP, http, lambda: TOKEN, clock=clock, sleep=clock.sleep,
                       wall_clock=lambda: 1_800_000_000.0, rng=random.Random(3), **kwargs)


def ok(data: dict[str, Any] = SHOP_DATA, **kwargs: Any) -> httpx.Response:
    return httpx.Response(200, json=ok_body(data, **kwargs))


def test_execute_posts_to_the_admin_endpoint_with_the_token_header(clock: FakeClock) -> None:
    script = Script(ok())
    assert make_client(script, clock).execute(SHOP_QUERY) == SHOP_DATA
    request = script.requests[0]
    assert str(request.url) == f"https://{SHOP}/admin/api/2026-04/graphql.json"
    assert request.headers["X-Shopify-Access-Token"] == TOKEN
    assert b'"query"' in request.content


def test_execute_loads_a_stored_document_by_name(clock: FakeClock) -> None:
    script = Script(ok())
    make_client(script, clock).execute("Shop")
    assert b"ianaTimezone" in script.requests[0].content


def test_pacing_waits_requested_minus_available_over_restore_rate(clock: FakeClock) -> None:
    # After the first call the bucket holds 100 of 1000 points and refills 50/s; a query that
    # costs 2 + 100 x 2 = 202 must wait (202 - 100) / 50 = 2.04 s.
    script = Script(httpx.Response(200, json={"data": SHOP_DATA,
                                              "extensions": cost_extension(1, 100, maximum=1000, rate=50)}),
                    ok({"customers": {"nodes": []}}, requested=202, available=0))
    client = make_client(script, clock)
    client.execute(SHOP_QUERY)
    client.execute(TWO_HUNDRED_TWO)
    assert clock.sleeps == [pytest.approx(2.04)]
    assert client.stats.pacing_waits == 1


def test_pacing_counts_the_refill_since_the_last_response(clock: FakeClock) -> None:
    script = Script(httpx.Response(200, json={"data": SHOP_DATA,
                                              "extensions": cost_extension(1, 100, maximum=1000, rate=50)}),
                    ok({"customers": {"nodes": []}}, requested=202, available=0))
    client = make_client(script, clock)
    client.execute(SHOP_QUERY)
    clock.advance(1.0)  # 50 points came back meanwhile
    client.execute(TWO_HUNDRED_TWO)
    assert clock.sleeps == [pytest.approx(1.04)]


def test_no_pacing_when_the_bucket_has_room(clock: FakeClock) -> None:
    client = make_client(Script(ok(), ok()), clock)
    client.execute(SHOP_QUERY)
    client.execute(SHOP_QUERY)
    assert clock.sleeps == []


def test_throttled_200_is_retried_after_the_bucket_refills(clock: FakeClock) -> None:
    script = Script(httpx.Response(200, json=throttled_body(requested=752, available=666, rate=50)), ok())
    client = make_client(script, clock)
    client._cost_ratio[SHOP_QUERY] = 752.0  # Shopify said this query costs 752
    assert client.execute(SHOP_QUERY) == SHOP_DATA
    assert clock.sleeps == [pytest.approx((752 - 666) / 50)]
    assert (client.stats.retries, client.stats.throttled, len(script.requests)) == (1, 1, 2)


def test_429_honours_retry_after_seconds(clock: FakeClock) -> None:
    script = Script(httpx.Response(429, headers={"Retry-After": "3"}, text="Too Many Requests"), ok())
    assert make_client(script, clock).execute(SHOP_QUERY) == SHOP_DATA
    assert clock.sleeps == [3.0]


def test_503_honours_retry_after_http_date(clock: FakeClock) -> None:
    # wall clock is 1_800_000_000 = Fri, 15 Jan 2027 08:00:00 GMT
    script = Script(httpx.Response(503, headers={"Retry-After": "Fri, 15 Jan 2027 08:00:05 GMT"}), ok())
    make_client(script, clock).execute(SHOP_QUERY)
    assert clock.sleeps == [5.0]


def test_retry_after_is_capped(clock: FakeClock) -> None:
    script = Script(httpx.Response(429, headers={"Retry-After": "86400"}), ok())
    make_client(script, clock).execute(SHOP_QUERY)
    assert clock.sleeps == [MAX_RETRY_AFTER_SECONDS]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retried_with_capped_jittered_backoff(clock: FakeClock, status: int) -> None:
    script = Script(*[httpx.Response(status) for _ in range(MAX_ATTEMPTS)])
    client = make_client(script, clock)
    with pytest.raises(ShopifyHTTPError) as caught:
        client.execute(SHOP_QUERY)
    assert caught.value.shopify_status == status and caught.value.retriable
    assert len(script.requests) == MAX_ATTEMPTS
    assert len(clock.sleeps) == MAX_ATTEMPTS - 1
    for attempt, delay in enumerate(clock.sleeps):
        ceiling = min(BACKOFF_CAP_SECONDS, 0.5 * 2 ** attempt)
        assert ceiling / 2 <= delay <= ceiling
    assert clock.sleeps[-1] > clock.sleeps[0]


def test_network_errors_are_retried_then_raised_as_network_error(clock: FakeClock) -> None:
    request = httpx.Request("POST", "https://x")
    script = Script(httpx.ConnectError("boom", request=request), httpx.ReadTimeout("slow", request=request),
                    ok())
    assert make_client(script, clock).execute(SHOP_QUERY) == SHOP_DATA
    failing = Script(*[httpx.ConnectError("boom", request=request) for _ in range(3)])
    with pytest.raises(ShopifyNetworkError) as caught:
        make_client(failing, clock, max_attempts=3).execute(SHOP_QUERY)
    assert caught.value.retriable and len(failing.requests) == 3


def test_throttled_until_the_end_raises_shopify_throttled(clock: FakeClock) -> None:
    script = Script(*[httpx.Response(200, json=throttled_body()) for _ in range(3)])
    with pytest.raises(ShopifyThrottled) as caught:
        make_client(script, clock, max_attempts=3).execute(SHOP_QUERY)
    assert caught.value.retriable
    script429 = Script(*[httpx.Response(429, json=throttled_body()) for _ in range(2)])
    with pytest.raises(ShopifyThrottled):
        make_client(script429, clock, max_attempts=2).execute(SHOP_QUERY)


@pytest.mark.parametrize("status", [400, 402, 403, 404, 423])
def test_other_4xx_are_never_retried(clock: FakeClock, status: int) -> None:
    script = Script(httpx.Response(status, text="nope"), ok())
    with pytest.raises(ShopifyHTTPError) as caught:
        make_client(script, clock).execute(SHOP_QUERY)
    assert caught.value.shopify_status == status and not caught.value.retriable
    assert len(script.requests) == 1 and clock.sleeps == []


def test_401_raises_unauthorized(clock: FakeClock) -> None:
    script = Script(httpx.Response(401, text="[API] Invalid API key or access token"))
    with pytest.raises(ShopifyUnauthorized) as caught:
        make_client(script, clock).execute(SHOP_QUERY)
    assert caught.value.shopify_status == 401 and not caught.value.retriable


def test_401_refreshes_the_token_once_through_the_callback(clock: FakeClock) -> None:
    tokens = iter(["old-token", "new-token", "newer-token"])
    current = {"token": next(tokens)}
    refreshes: list[int] = []

    def refresh() -> None:
        refreshes.append(1)
        current["token"] = next(tokens)

    script = Script(httpx.Response(401), ok())
    http = httpx.Client(transport=httpx.MockTransport(script))
    client = AdminClient(SHOP, http, lambda: current["token"], on_unauthorized=refresh,
                         clock=clock, sleep=clock.sleep)
    assert client.execute(SHOP_QUERY) == SHOP_DATA
    assert [r.headers["X-Shopify-Access-Token"] for r in script.requests] == ["old-token", "new-token"]
    twice = Script(httpx.Response(401), httpx.Response(401), ok())
    client.http = httpx.Client(transport=httpx.MockTransport(twice))
    with pytest.raises(ShopifyUnauthorized):
        client.execute(SHOP_QUERY)
    assert len(refreshes) == 2 and len(twice.requests) == 2


def test_graphql_errors_are_terminal_and_keep_the_error_list(clock: FakeClock) -> None:
    errors = [{"message": "Field 'nope' doesn't exist on type 'Shop'",
               "extensions": {"code": "undefinedField", "typeName": "Shop", "fieldName": "nope"}}]
    script = Script(httpx.Response(200, json={"errors": errors}), ok())
    with pytest.raises(ShopifyGraphQLError) as caught:
        make_client(script, clock).execute("{ shop { nope } }")
    assert caught.value.errors == errors and not caught.value.retriable
    assert "doesn't exist" in str(caught.value) and len(script.requests) == 1
    assert not isinstance(caught.value, ShopifyHTTPError)


def test_partial_data_with_errors_is_raised_with_the_data(clock: FakeClock) -> None:
    body = {"data": {"customer": None},
            "errors": [{"message": "This app is not approved to access the Customer object.",
                        "extensions": {"code": "ACCESS_DENIED"}, "path": ["customer"]}]}
    with pytest.raises(ShopifyGraphQLError) as caught:
        make_client(Script(httpx.Response(200, json=body)), clock).execute("{ customer(id: \"x\") { id } }")
    assert caught.value.data == {"customer": None}


def test_max_cost_exceeded_is_its_own_error(clock: FakeClock) -> None:
    message = "Query cost is 1723, which exceeds the single query max cost limit (1000)."
    body = {"errors": [{"message": message,
                        "extensions": {"code": "MAX_COST_EXCEEDED", "cost": 1723, "maxCost": 1000}}]}
    with pytest.raises(MaxCostExceeded, match="1723"):
        make_client(Script(httpx.Response(200, json=body)), clock).execute(SHOP_QUERY)


def test_the_token_never_reaches_logs_errors_or_reprs(clock: FakeClock,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    request = httpx.Request("POST", "https://x")
    echo = httpx.Response(400, text=f"bad request for token {TOKEN}")
    script = Script(httpx.Response(200, json=throttled_body()), httpx.Response(503),
                    httpx.ConnectError("boom", request=request), echo)
    client = make_client(script, clock)
    with pytest.raises(ShopifyHTTPError) as caught:
        client.execute(SHOP_QUERY)
    texts = [caplog.text, str(caught.value), repr(caught.value), repr(client), str(vars(client))]
    assert caplog.records, "the retries were logged"
    for text in texts:
        assert TOKEN not in text
    assert "[redacted]" in str(caught.value)


def test_stats_count_calls_requests_and_costs(clock: FakeClock) -> None:
    client = make_client(Script(httpx.Response(503), ok(requested=12), ok(requested=30)), clock)
    client.execute(SHOP_QUERY)
    client.execute(SHOP_QUERY)
    stats = client.stats
    assert (stats.calls, stats.requests, stats.retries) == (2, 3, 1)
    assert stats.requested_cost == 42 and stats.actual_cost == 42


def test_shop_must_be_a_myshopify_domain() -> None:
    with pytest.raises(ValueError, match=r"myshopify\.com"):
        AdminClient("evil.example.com", httpx.Client(), lambda: TOKEN)


def test_a_token_refresh_does_not_use_up_an_attempt(clock: FakeClock) -> None:
    refreshed: list[int] = []
    script = Script(httpx.Response(401), ok())
    client = make_client(script, clock, max_attempts=1, on_unauthorized=lambda: refreshed.append(1))
    assert client.execute(SHOP_QUERY) == SHOP_DATA and refreshed == [1]


def test_429_without_retry_after_waits_for_the_bucket(clock: FakeClock) -> None:
    script = Script(httpx.Response(429, json=throttled_body(requested=100, available=40, rate=50)), ok())
    client = make_client(script, clock)
    client._cost_ratio[SHOP_QUERY] = 100.0
    client.execute(SHOP_QUERY)
    assert clock.sleeps == [pytest.approx((100 - 40) / 50)]
