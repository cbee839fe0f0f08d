"""paginate: every record once, checkpoints, and survival under injected faults."""

from __future__ import annotations

import json
import random

import httpx
import pytest

from tests.shopify.fakes import SHOP, TOKEN, FakeClock, FaultyStore, Script, ok_body
from xsight.errors import MaxCostExceeded, ShopifyError
from xsight.shopify.client import AdminClient
from xsight.shopify.paginate import paginate

PAGE_QUERY = ("query($first: Int!, $after: String) { customers(first: $first, after: $after) "
              "{ pageInfo { hasNextPage endCursor } nodes { id updatedAt } } }")


def client_for(store: FaultyStore, clock: FakeClock) -> AdminClient:
    http = httpx.Client(transport=httpx.MockTransport(store.handler))
    return AdminClient(SHOP, http, lambda: TOKEN, clock=clock, sleep=clock.sleep, rng=random.Random(11))


def test_every_record_once_with_checkpoints(clock: FakeClock) -> None:
    store = FaultyStore(clock, count=1234)
    pages = list(paginate(client_for(store, clock), PAGE_QUERY, "customers", page_size=100))
    ids = [node["id"] for page in pages for node in page.nodes]
    assert len(ids) == len(set(ids)) == 1234
    assert [p.end_cursor for p in pages][-1] == "1234" and not pages[-1].has_next_page
    assert pages[0].last_updated_at == "2026-01-01T00:00:39Z"  # node 100 -> i = 99
    assert set(store.served.values()) == {1}


def test_resumes_from_a_checkpointed_cursor(clock: FakeClock) -> None:
    store = FaultyStore(clock, count=300)
    pages = list(paginate(client_for(store, clock), PAGE_QUERY, "customers", page_size=100, after="200"))
    assert pages[0].nodes[0]["id"] == "gid://shopify/Customer/201"
    assert len(pages) == 1


def test_page_size_comes_from_the_cost_estimate(clock: FakeClock) -> None:
    store = FaultyStore(clock, count=600)
    pages = list(paginate(client_for(store, clock), "CustomersPage", "customers"))
    assert pages[0].page_size == 179 and len(pages) == 4


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_faults_on_every_page_fetched_once_no_exception_leaks(clock: FakeClock, seed: int) -> None:
    store = FaultyStore(clock, count=5000, throttle_share=0.30, error_share=0.05, latency=0.2,
                        maximum=1000, rate=50, cost_per_node=4, seed=seed)
    client = client_for(store, clock)
    pages = list(paginate(client, PAGE_QUERY, "customers", page_size=50))
    ids = [node["id"] for page in pages for node in page.nodes]
    assert ids == [f"gid://shopify/Customer/{i}" for i in range(1, 5001)]
    assert len(pages) == 100 and set(store.served.values()) == {1}
    assert store.statuses["throttled"] > 0 and store.statuses["5xx"] > 0
    assert client.stats.retries == store.statuses["throttled"] + store.statuses["5xx"]


def test_pacing_avoids_throttles_against_a_real_bucket(clock: FakeClock) -> None:
    # 20 pages of 402 points against a 1000-point bucket that refills 50/s: without pacing the
    # bucket runs dry after two pages; with pacing the client waits instead of being throttled.
    store = FaultyStore(clock, count=2000, maximum=1000, rate=50, cost_per_node=4, latency=0.05)
    client = client_for(store, clock)
    list(paginate(client, PAGE_QUERY, "customers", page_size=100))
    assert store.statuses["throttled"] == 0
    assert client.stats.pacing_waits > 0


def test_halves_the_page_when_shopify_says_the_cost_is_too_high(clock: FakeClock) -> None:
    too_costly = httpx.Response(200, json={"errors": [{"message": "Query cost is 1723, which exceeds "
                                                       "the single query max cost limit (1000).",
                                                       "extensions": {"code": "MAX_COST_EXCEEDED"}}]})
    data = {"customers": {"pageInfo": {"hasNextPage": False, "endCursor": "c1"}, "nodes": [{"id": "1"}]}}
    script = Script(too_costly, httpx.Response(200, json=ok_body(data)))
    client = AdminClient(SHOP, httpx.Client(transport=httpx.MockTransport(script)), lambda: TOKEN,
                         clock=clock, sleep=clock.sleep)
    pages = list(paginate(client, PAGE_QUERY, "customers", page_size=80))
    sizes = [json.loads(r.content)["variables"]["first"] for r in script.requests]
    assert sizes == [80, 40] and pages[0].page_size == 40
    one = Script(too_costly)
    client.http = httpx.Client(transport=httpx.MockTransport(one))
    with pytest.raises(MaxCostExceeded):
        list(paginate(client, PAGE_QUERY, "customers", page_size=1))


def test_a_cursor_that_does_not_move_stops_the_walk(clock: FakeClock) -> None:
    data = {"customers": {"pageInfo": {"hasNextPage": True, "endCursor": "same"}, "nodes": []}}
    script = Script(*[httpx.Response(200, json=ok_body(data)) for _ in range(2)])
    client = AdminClient(SHOP, httpx.Client(transport=httpx.MockTransport(script)), lambda: TOKEN,
                         clock=clock, sleep=clock.sleep)
    with pytest.raises(ShopifyError, match="did not move"):
        list(paginate(client, PAGE_QUERY, "customers", page_size=10))


def test_missing_connection_is_a_clear_error(clock: FakeClock) -> None:
    script = Script(httpx.Response(200, json=ok_body({"orders": None})))
    client = AdminClient(SHOP, httpx.Client(transport=httpx.MockTransport(script)), lambda: TOKEN,
                         clock=clock, sleep=clock.sleep)
    with pytest.raises(ShopifyError, match="no connection at 'customers'"):
        list(paginate(client, PAGE_QUERY, "customers", page_size=10))


def test_page_size_is_capped_at_shopifys_250(clock: FakeClock) -> None:
    store = FaultyStore(clock, count=600)
    pages = list(paginate(client_for(store, clock), PAGE_QUERY, "customers", page_size=1000))
    assert [p.page_size for p in pages] == [250, 250, 250] and len(pages[-1].nodes) == 100
