"""The client against the simulated store (in-process): faults on, every page once; bulk agrees with pages.

Skipped until `xsight.devstore` (built in parallel) is merged into the same tree.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import make_settings
from xsight.errors import BulkOperationError, ShopifyGraphQLError
from xsight.shopify import bulk, queries
from xsight.shopify.client import AdminClient
from xsight.shopify.cost import estimate_cost, variable_defaults
from xsight.shopify.http import build_http_client
from xsight.shopify.jsonl import assemble, stream_jsonl
from xsight.shopify.orders import complete_order
from xsight.shopify.paginate import paginate

store_app = pytest.importorskip("xsight.devstore.app", reason="xsight.devstore is not merged yet")
store_config = pytest.importorskip("xsight.devstore.config")
store_generator = pytest.importorskip("xsight.devstore.generator")

SHOP = "xsight-demo.myshopify.com"
STORE_URL = "http://127.0.0.1:8123"
FAULTS = {"throttle_pressure": 0.30, "throttle_429_share": 0.3, "error_rate": 0.05, "latency_ms": 200}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    folder = tmp_path_factory.mktemp("devstore")
    config = store_config.StoreConfig(db_path=str(folder / "store.sqlite"), base_url=STORE_URL,
                                      bulk_dir=str(folder / "bulk"))
    # Shopify Plus (1000 points/s) keeps pacing waits short; the fault test brings the pressure.
    spec = store_generator.ShopSpec(domain=SHOP, seed=3, customers=40, orders=60, products=8,
                                    plan="Shopify Plus")
    app = store_app.create_store_app(config, [spec])
    yield app
    app.extensions["devstore"].stop()


@pytest.fixture
def client(store: Any, tmp_path: Path) -> Iterator[AdminClient]:
    services = store.extensions["devstore"]
    services.config.faults.update({name: 0 for name in FAULTS})
    issued = services.tokens.issue(SHOP, services.config.api_key, services.config.scopes, False)
    token = issued["access_token"]
    settings = make_settings(tmp_path / "instance", SHOPIFY_STORE_URL_OVERRIDE=STORE_URL)
    http = build_http_client(settings, transport=httpx.WSGITransport(app=store))
    yield AdminClient(SHOP, http, lambda: token, rng=random.Random(5))
    http.close()


@contextmanager
def store_gaps_are_xfail() -> Iterator[None]:
    """Turn "valid for Shopify but not supported by the devstore" into a visible xfail, not a pass."""
    try:
        yield
    except (ShopifyGraphQLError, BulkOperationError) as exc:
        if "not supported by the XSight devstore" in str(exc):
            pytest.xfail(f"devstore gap: {exc}")
        raise


def page_ids(client: AdminClient, document: str, path: str, size: int) -> list[str]:
    return [n["id"] for page in paginate(client, document, path, page_size=size) for n in page.nodes]


def test_every_customer_once_with_every_fault_on(store: Any, client: AdminClient) -> None:
    clean = page_ids(client, "CustomersPage", "customers", 10)
    store.extensions["devstore"].config.faults.update(FAULTS)
    faulty = page_ids(client, "CustomersPage", "customers", 10)
    assert faulty == clean and len(set(faulty)) == len(faulty) == 40
    assert client.stats.retries > 0


def test_every_stored_page_query_runs_against_the_store(client: AdminClient) -> None:
    shop = client.execute("Shop")["shop"]
    assert shop["myshopifyDomain"] == SHOP and shop["ianaTimezone"]
    products = page_ids(client, "ProductsPage", "products", 5)
    with store_gaps_are_xfail():
        orders = [n for page in paginate(client, "OrdersPage", "orders") for n in page.nodes]
    assert len(products) == len(set(products)) == 8
    assert len({o["id"] for o in orders}) == len(orders) > 0
    first = orders[0]
    assert client.execute("OrderLineItems", {"id": first["id"], "first": 50})["order"]["id"] == first["id"]
    assert client.execute("OrderRefunds", {"id": first["id"]})["order"]["id"] == first["id"]


def test_bulk_orders_match_the_paged_orders(client: AdminClient) -> None:
    with store_gaps_are_xfail():
        paged = {n["id"]: n for page in paginate(client, "OrdersPage", "orders",
                                                 variables={"lineItemsFirst": 10}) for n in page.nodes}
        done = bulk.await_completion(client, bulk.start(client, "BulkOrders"), poll_initial=0.05)
    assert done.url and done.root_object_count == len(paged)
    groups = list(assemble(stream_jsonl(client.http, done.url)))
    assert {g.root["id"] for g in groups if g.root} == set(paged)
    for group in groups:
        assert group.root is not None, "the store's interleaving stays within the default window"
        items = [c for c in group.children if "/LineItem/" in c["id"]]
        page = paged[group.root["id"]]["lineItems"]
        if not page["pageInfo"]["hasNextPage"]:
            assert sorted(c["id"] for c in items) == sorted(n["id"] for n in page["nodes"])


def test_tags_add_and_remove_round_trip(client: AdminClient) -> None:
    customer = next(paginate(client, "CustomersPage", "customers", page_size=1)).nodes[0]
    added = client.execute("TagsAdd", {"id": customer["id"], "tags": ["xsight-champions"]})["tagsAdd"]
    assert added["userErrors"] == []
    removed = client.execute("TagsRemove", {"id": customer["id"], "tags": ["xsight-champions"]})
    assert removed["tagsRemove"]["userErrors"] == []


def test_complete_order_fills_in_refunds_from_a_bulk_line(client: AdminClient) -> None:
    with store_gaps_are_xfail():
        done = bulk.await_completion(client, bulk.start(client, "BulkOrders"), poll_initial=0.05)
        assert done.url
        refunded = [g.root for g in assemble(stream_jsonl(client.http, done.url))
                    if g.root is not None and g.root["refunds"]]
        assert refunded, "the generated shop has refunds"
        order = complete_order(client, dict(refunded[0]))
        page = client.execute("OrderRefunds", {"id": order["id"]})["order"]["refunds"]
    assert [r["id"] for r in order["refunds"]] == [r["id"] for r in page]
    assert all(r["refundLineItems"]["nodes"] or r["refundShippingLines"]["nodes"]
               or r["orderAdjustments"]["nodes"] for r in order["refunds"])


@pytest.mark.parametrize(("name", "first"), [("CustomersPage", 50), ("ProductsPage", 10), ("OrdersPage", 5)])
def test_our_cost_estimate_matches_the_stores_requested_cost(client: AdminClient, name: str,
                                                            first: int) -> None:
    text = queries.load(name)
    variables = {**variable_defaults(text), "first": first}  # explicit, as the store ignores defaults
    with store_gaps_are_xfail():
        client.execute(text, variables)
    assert client.stats.requested_cost == estimate_cost(text, variables)
