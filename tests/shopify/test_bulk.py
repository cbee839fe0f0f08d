"""Bulk operations: start, await with backoff or an external signal, and typed failures."""

from __future__ import annotations

import json
import random
import threading
from typing import Any

import httpx
import pytest

from tests.shopify.fakes import SHOP, TOKEN, FakeClock, Script, ok_body
from xsight.errors import BulkOperationError
from xsight.shopify import queries
from xsight.shopify.bulk import POLL_MAX_SECONDS, BulkOperation, await_completion, start
from xsight.shopify.client import AdminClient

OP_ID = "gid://shopify/BulkOperation/720918"


def client_with(script: Script, clock: FakeClock) -> AdminClient:
    return AdminClient(SHOP, httpx.Client(transport=httpx.MockTransport(script)), lambda: TOKEN,
                       clock=clock, sleep=clock.sleep, rng=random.Random(1))


def run_payload(errors: list[dict[str, Any]] | None = None) -> httpx.Response:
    operation = None if errors else {"id": OP_ID, "status": "CREATED", "createdAt": "2026-11-26T08:00:00Z"}
    return httpx.Response(200, json=ok_body({"bulkOperationRunQuery": {
        "bulkOperation": operation, "userErrors": errors or []}}))


def poll(status: str, **fields: Any) -> httpx.Response:
    node = {"id": OP_ID, "status": status, "errorCode": None, "createdAt": "2026-11-26T08:00:00Z",
            "completedAt": None, "objectCount": "0", "rootObjectCount": "0", "fileSize": None,
            "url": None, "partialDataUrl": None, **fields}
    return httpx.Response(200, json=ok_body({"bulkOperation": node}))


def test_start_sends_the_inner_query_and_returns_the_id(clock: FakeClock) -> None:
    script = Script(run_payload())
    assert start(client_with(script, clock), "BulkOrders") == OP_ID
    sent = json.loads(script.requests[0].content)
    assert "bulkOperationRunQuery" in sent["query"]
    assert sent["variables"]["query"] == queries.load("BulkOrders")


BUSY = [{"field": None, "code": "OPERATION_IN_PROGRESS",
         "message": "A bulk query operation for this app and shop is already in progress."}]


def running(*queries_text: str) -> httpx.Response:
    nodes = [{"id": f"gid://shopify/BulkOperation/{i}", "status": "RUNNING", "objectCount": "10",
              "createdAt": "2026-11-26T08:00:00Z", "query": q} for i, q in enumerate(queries_text, start=1)]
    return httpx.Response(200, json=ok_body({"bulkOperations": {"nodes": nodes}}))


def test_start_with_another_operation_running_is_a_retriable_error(clock: FakeClock) -> None:
    script = Script(run_payload(BUSY), running(queries.load("BulkProducts")))
    with pytest.raises(BulkOperationError, match="already in progress") as caught:
        start(client_with(script, clock), "BulkCustomers")
    assert caught.value.retriable


def test_start_returns_the_running_operation_of_the_same_query(clock: FakeClock) -> None:
    reformatted = " ".join(queries.load("BulkCustomers").split())  # whitespace does not matter
    script = Script(run_payload(BUSY), running(queries.load("BulkProducts"), reformatted))
    assert start(client_with(script, clock), "BulkCustomers") == "gid://shopify/BulkOperation/2"
    with pytest.raises(BulkOperationError):
        start(client_with(Script(run_payload(BUSY)), clock), "BulkCustomers", reuse_running=False)


def test_start_with_an_invalid_query_is_terminal(clock: FakeClock) -> None:
    errors = [{"field": ["query"], "code": "INVALID",
               "message": "Bulk queries must contain at least one connection."}]
    with pytest.raises(BulkOperationError, match="at least one connection") as caught:
        start(client_with(Script(run_payload(errors)), clock), "{ shop { id } }")
    assert not caught.value.retriable


def test_await_polls_with_growing_capped_delays_and_reports_progress(clock: FakeClock) -> None:
    running = [poll("RUNNING", objectCount=str(100 * i)) for i in range(12)]
    done = poll("COMPLETED", objectCount="1300", rootObjectCount="400", fileSize="52311",
                url="http://127.0.0.1:8123/bulk/720918.jsonl", completedAt="2026-11-26T08:03:00Z")
    script = Script(poll("CREATED"), *running, done)
    progress: list[int] = []
    operation = await_completion(client_with(script, clock), OP_ID, on_progress=lambda op: progress.append(
        op.object_count), wait=clock.sleep, clock=clock)
    assert operation == BulkOperation(id=OP_ID, status="COMPLETED", object_count=1300, root_object_count=400,
                                      file_size=52311, url="http://127.0.0.1:8123/bulk/720918.jsonl",
                                      completed_at="2026-11-26T08:03:00Z")
    assert progress == [0, *range(0, 1200, 100), 1300]
    assert clock.sleeps[:4] == [1.0, 1.5, 2.25, 3.375]
    assert max(clock.sleeps) == POLL_MAX_SECONDS
    assert json.loads(script.requests[0].content)["variables"] == {"id": OP_ID}


@pytest.mark.parametrize(("status", "code"), [("FAILED", "INTERNAL_SERVER_ERROR"), ("CANCELED", None),
                                              ("EXPIRED", None)])
def test_await_raises_when_the_operation_does_not_complete(clock: FakeClock, status: str,
                                                          code: str | None) -> None:
    script = Script(poll("RUNNING"), poll(status, errorCode=code, partialDataUrl="https://s/p.jsonl"))
    with pytest.raises(BulkOperationError, match=status) as caught:
        await_completion(client_with(script, clock), OP_ID, wait=clock.sleep, clock=clock)
    assert "partialDataUrl" in str(caught.value)


def test_await_gives_up_after_the_timeout(clock: FakeClock) -> None:
    script = Script(*[poll("RUNNING") for _ in range(20)])
    with pytest.raises(BulkOperationError, match="still RUNNING"):
        await_completion(client_with(script, clock), OP_ID, timeout=10, wait=clock.sleep, clock=clock)
    assert sum(clock.sleeps) == pytest.approx(10)


def test_await_wakes_up_on_the_finish_signal(clock: FakeClock) -> None:
    finished = threading.Event()
    script = Script(poll("RUNNING"), poll("COMPLETED", url="http://x/y.jsonl"))
    waits: list[float] = []

    def wait(seconds: float) -> bool:
        waits.append(seconds)
        finished.set()  # the bulk_operations/finish webhook arrived meanwhile
        return finished.wait(seconds)

    operation = await_completion(client_with(script, clock), OP_ID, poll_initial=300, wait=wait, clock=clock)
    assert operation.status == "COMPLETED" and waits == [300]


def test_unknown_operation_is_a_clear_error(clock: FakeClock) -> None:
    script = Script(httpx.Response(200, json=ok_body({"bulkOperation": None})))
    with pytest.raises(BulkOperationError, match="no bulk operation"):
        await_completion(client_with(script, clock), OP_ID, wait=clock.sleep, clock=clock)
