"""Bulk operations: Shopify's JSONL (children after parents, interleaved), URLs, failures, webhook."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from typing import Any

import httpx
import pytest

from xsight.devstore import StoreHandle, bulk, start_store
from xsight.devstore.bulk_query import plan_bulk_query
from xsight.devstore.pagination import BULK_MODE
from xsight.devstore.project import can_project

from .conftest import SHOP, Admin, Receiver

RUN = """mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status }
  userErrors { field message code } } }"""
POLL = """query($id: ID!) { bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount fileSize
  url partialDataUrl createdAt completedAt query type } }"""
ORDERS_BULK = """{ orders { edges { node { id name totalPriceSet { shopMoney { amount } }
  lineItems { edges { node { id quantity } } } } } } }"""


def run_bulk(admin: Admin, query: str, timeout: float = 20.0) -> dict[str, Any]:
    """Start a bulk query and poll until it finishes; return the BulkOperation."""
    body = admin(RUN, {"q": query})
    payload = body["data"]["bulkOperationRunQuery"]
    assert payload["userErrors"] == [], payload
    op_id = payload["bulkOperation"]["id"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        op = admin(POLL, {"id": op_id})["data"]["bulkOperation"]
        if op["status"] in ("COMPLETED", "FAILED"):
            return dict(op)
        time.sleep(0.05)
    raise AssertionError("bulk operation did not finish")


def test_orders_with_line_items_jsonl(
    store: StoreHandle, admin: Admin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 16)  # many batches: every order exactly once across them
    op = run_bulk(admin, ORDERS_BULK)
    assert op["status"] == "COMPLETED" and op["errorCode"] is None and op["partialDataUrl"] is None
    text = httpx.get(op["url"]).text
    lines = [json.loads(line) for line in text.splitlines()]
    assert int(op["objectCount"]) == len(lines) and int(op["fileSize"]) == len(text.encode())
    roots = [x for x in lines if "__parentId" not in x]
    children = [x for x in lines if "__parentId" in x]
    storage = store.services.storage
    assert (
        int(op["rootObjectCount"])
        == len(roots)
        == storage.query("SELECT COUNT(*) FROM orders WHERE shop=?", (admin.shop,))[0][0]
    )
    expected_children = sum(
        len(json.loads(r[0])["lines"])
        for r in storage.query("SELECT doc FROM orders WHERE shop=?", (admin.shop,))
    )
    assert len(children) == expected_children
    assert all("lineItems" not in r and r["id"].startswith("gid://shopify/Order/") for r in roots)
    assert len({r["id"] for r in roots}) == len(roots)
    seen: set[str] = set()
    not_adjacent = 0
    last_root = None
    for x in lines:
        if "__parentId" in x:
            assert x["__parentId"] in seen, "child before its parent"
            not_adjacent += x["__parentId"] != last_root
        else:
            seen.add(x["id"])
            last_root = x["id"]
    assert not_adjacent > 0, "children are never interleaved"


def test_nested_customer_orders_and_search_filter(admin: Admin) -> None:
    query = """{ customers(query: "created_at:>'2025-06-01T00:00:00Z'") { edges { node { id
      defaultEmailAddress { emailAddress } orders { edges { node { id } } } } } } }"""
    op = run_bulk(admin, query)
    lines = [json.loads(x) for x in httpx.get(op["url"]).text.splitlines()]
    roots = [x for x in lines if "__parentId" not in x]
    expected = admin("""{ customers(first: 250, query: "created_at:>'2025-06-01T00:00:00Z'") {
      nodes { id numberOfOrders } } }""")["data"]["customers"]["nodes"]
    assert {r["id"] for r in roots} == {c["id"] for c in expected}
    assert len(lines) - len(roots) == sum(int(c["numberOfOrders"]) for c in expected)
    assert all("emailAddress" in r["defaultEmailAddress"] for r in roots)


def test_invalid_bulk_queries_get_user_errors(admin: Admin) -> None:
    too_deep = (
        "{ customers { edges { node { id orders { edges { node { id "
        "lineItems { edges { node { id } } } } } } } } } }"
    )
    no_id = "{ orders { edges { node { name lineItems { edges { node { id } } } } } } }"
    for query in (too_deep, no_id, "{ orders { edges { node { nope } } } }"):
        payload = admin(RUN, {"q": query})["data"]["bulkOperationRunQuery"]
        assert payload["bulkOperation"] is None and payload["userErrors"], query


def test_bulk_operations_listing_and_signed_url(store: StoreHandle, admin: Admin) -> None:
    op = run_bulk(admin, "{ products { edges { node { id title variants { edges { node { id } } } } } } }")
    listed = admin('{ bulkOperations(first: 50, query: "status:completed") { nodes { id status } } }')
    assert op["id"] in [n["id"] for n in listed["data"]["bulkOperations"]["nodes"]]
    tampered = op["url"].replace("signature=", "signature=0")
    assert httpx.get(tampered).status_code == 403
    assert httpx.get(op["url"]).status_code == 200


def test_expired_url_failure_fault_and_finish_webhook(receiver: Receiver, tmp_path: Any) -> None:
    handle = start_store(
        seed=5,
        customers=20,
        orders=40,
        app_url=receiver.url,
        bulk_url_ttl=0,
        db_path=str(tmp_path / "b.sqlite"),
    )
    try:
        admin = Admin(handle, handle.access_token())
        op = run_bulk(admin, ORDERS_BULK)
        assert httpx.get(op["url"]).status_code == 400  # expired at once (ttl 0)
        handle.set_faults(bulk_fail=1.0)
        failed = run_bulk(admin, ORDERS_BULK)
        assert failed["status"] == "FAILED" and failed["errorCode"] == "INTERNAL_SERVER_ERROR"
        assert failed["url"] is None
        assert handle.services.webhooks.wait_idle()
        finishes = [
            json.loads(r["body"])
            for r in receiver.requests
            if r["headers"]["X-Shopify-Topic"] == "bulk_operations/finish"
        ]
        assert [f["status"] for f in finishes] == ["completed", "failed"]
        assert finishes[1]["error_code"] == "internal_server_error" and finishes[1]["type"] == "query"
        assert finishes[0]["admin_graphql_api_id"] == op["id"]
    finally:
        handle.stop()


ORDERS_DEEP = """{ orders { nodes { id __typename customer { id displayName }
  totalRefundedSet { presentmentMoney { amount } }
  lineItems { nodes { id variant { id title } taxLines { rate priceSet { shopMoney { amount } } } } }
  refunds { id refundLineItems { edges { node { id quantity lineItem { id } } } } } } } }"""
CUSTOMERS_ORDERS = (
    "{ customers { edges { node { id tags amountSpent { amount } orders { nodes { id } } } } } }"
)
PRODUCTS_FRAGMENT = (
    "{ products { edges { node { id ... on Product { title } variants { nodes { id price } } } } } }"
)


@pytest.mark.parametrize("query", [ORDERS_BULK, ORDERS_DEEP, CUSTOMERS_ORDERS, PRODUCTS_FRAGMENT])
def test_bulk_fast_path_equals_graphql_core(store: StoreHandle, query: str) -> None:
    plan, errors = plan_bulk_query(query)
    assert plan is not None, errors
    assert can_project(plan.document)
    runner = store.services.bulk
    token = BULK_MODE.set(True)
    try:
        batch = next(iter(runner._batches(SHOP, plan)))
        assert runner._execute(SHOP, plan, batch, True) == runner._execute(SHOP, plan, batch, False)
    finally:
        BULK_MODE.reset(token)


def test_running_operation_reports_objects_written_so_far(
    admin: Admin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 5)
    second_batch, release = threading.Event(), threading.Event()
    execute = bulk.BulkRunner._execute
    calls = []

    def paused(self: Any, *args: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:  # hold the operation after its first batch of 5 orders
            second_batch.set()
            release.wait(10)
        return execute(self, *args)

    monkeypatch.setattr(bulk.BulkRunner, "_execute", paused)
    op_id = admin(RUN, {"q": ORDERS_BULK})["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"]
    try:
        assert second_batch.wait(10)
        op = admin(POLL, {"id": op_id})["data"]["bulkOperation"]
        assert op["status"] == "RUNNING" and op["rootObjectCount"] == "5"
        assert int(op["objectCount"]) >= 5 and op["url"] is None
    finally:
        release.set()


def test_a_busy_database_skips_a_progress_report_not_the_export(
    admin: Admin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 5)
    update = bulk.BulkRunner._update
    skipped = []

    def busy(self: Any, op_id: int, **values: Any) -> None:
        if "status" not in values:  # the per-batch progress report
            skipped.append(values)
            raise sqlite3.OperationalError("database is locked")
        update(self, op_id, **values)

    monkeypatch.setattr(bulk.BulkRunner, "_update", busy)
    op = run_bulk(admin, ORDERS_BULK)
    assert skipped and op["status"] == "COMPLETED" and op["errorCode"] is None
    lines = httpx.get(op["url"]).text.splitlines()
    assert int(op["objectCount"]) == len(lines) > 5
