"""Query cost, the leaky bucket, THROTTLED (200 and 429) and MAX_COST_EXCEEDED."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from graphql import OperationDefinitionNode, parse

from xsight.devstore import StoreHandle, start_store
from xsight.devstore.cost import CostCalculator
from xsight.devstore.schema import admin_schema
from xsight.devstore.throttle import Throttle

from .conftest import Admin

HEAVY = "{ orders(first: 75) { nodes { id lineItems(first: 10) { nodes { id } } } } }"  # requested 977


def _cost(query: str, variables: dict | None = None, data: dict | None = None) -> tuple[int, int | None]:
    doc = parse(query)
    op = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
    calc = CostCalculator(admin_schema(), {}, variables or {})
    return calc.requested(op), (calc.actual(op, data) if data is not None else None)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("{ shop { id name } }", 1),
        ("{ shop { id plan { publicDisplayName } } }", 2),
        ("{ orders(first: 10) { edges { node { id } } } }", 12),
        ("{ orders(first: 250) { nodes { id } pageInfo { hasNextPage } } }", 252),
        ("{ orders(first: 10) { nodes { id lineItems(first: 5) { nodes { id } } } } }", 82),
        (
            "{ orders(first: 2) { nodes { totalPriceSet { shopMoney { amount } } customer { id } } } }",
            2 + 2 * 4,
        ),
        ('mutation { tagsAdd(id: "gid://shopify/Customer/1", tags: ["a"]) { node { id } } }', 10),
    ],
)
def test_requested_cost(query: str, expected: int) -> None:
    assert _cost(query)[0] == expected


def test_cost_uses_variables_and_actual_counts_returned_nodes() -> None:
    query = "query($n: Int!) { orders(first: $n) { nodes { id lineItems(first: 5) { nodes { id } } } } }"
    data = {
        "orders": {
            "nodes": [
                {"id": "1", "lineItems": {"nodes": [{"id": "a"}]}},
                {"id": "2", "lineItems": {"nodes": []}},
            ]
        }
    }
    assert _cost(query, {"n": 20}, data) == (2 + 20 * 8, 2 + (1 + 3) + (1 + 2))


def test_leaky_bucket_restores_at_rate() -> None:
    now = [0.0]
    bucket = Throttle(clock=lambda: now[0])
    ok, state = bucket.take(("app", "shop"), 100.0, 1500)
    assert ok and state.maximum == 2000 and state.available == 500
    assert not bucket.take(("app", "shop"), 100.0, 600)[0]
    now[0] = 1.0
    ok, state = bucket.take(("app", "shop"), 100.0, 600)
    assert ok and state.available == 0
    assert bucket.refund(("app", "shop"), 100.0, 50).available == 50
    assert bucket.take(("other", "shop"), 100.0, 2000)[0]  # per app+shop


@pytest.fixture(scope="module")
def basic() -> Iterator[StoreHandle]:
    handle = start_store(seed=4, customers=30, orders=60)
    yield handle
    handle.stop()


def test_extensions_cost_and_refund(basic: StoreHandle) -> None:
    basic.services.throttle.reset()
    admin = Admin(basic, basic.access_token())
    body = admin("{ customers(first: 100) { nodes { id } } }")
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 102 and cost["actualQueryCost"] == 32
    status = cost["throttleStatus"]
    assert status["maximumAvailable"] == 2000.0 and status["restoreRate"] == 100.0
    assert 2000 - 32 <= status["currentlyAvailable"] <= 2000


def test_max_cost_exceeded(basic: StoreHandle) -> None:
    admin = Admin(basic, basic.access_token())
    body = admin("{ orders(first: 250) { nodes { id lineItems(first: 10) { nodes { id } } } } }")
    assert body["errors"][0]["message"] == (
        "Query cost is 3252, which exceeds the single query max cost limit (1000)."
    )
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED" and "data" not in body


def test_throttled_when_the_bucket_runs_dry(basic: StoreHandle) -> None:
    basic.services.throttle.reset()
    admin = Admin(basic, basic.access_token())
    for _ in range(30):
        body = admin.post(HEAVY).json()
        if "errors" in body:
            break
    else:
        pytest.fail("never throttled")
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED" and body.get("data") is None
    cost = body["extensions"]["cost"]
    assert cost["actualQueryCost"] is None and cost["throttleStatus"]["currentlyAvailable"] < 977
    time.sleep((977 - cost["throttleStatus"]["currentlyAvailable"]) / 100 + 0.05)
    assert "errors" not in admin.post(HEAVY).json()


def test_throttle_pressure_and_429(basic: StoreHandle) -> None:
    admin = Admin(basic, basic.access_token())
    basic.services.throttle.reset()
    try:
        basic.set_faults(throttle_pressure=1.0)
        body = admin.post("{ shop { id } }").json()
        assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
        basic.set_faults(throttle_429_share=1.0)
        response = admin.post("{ shop { id } }")
        assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
        assert response.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    finally:
        basic.set_faults(throttle_pressure=0.0, throttle_429_share=0.0)
    assert admin.post("{ shop { id } }").status_code == 200
