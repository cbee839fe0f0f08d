"""Run a bulk query: start it, wait for it to finish, and hand back the result URL."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xsight.errors import BulkOperationError
from xsight.shopify import queries
from xsight.shopify.client import DOCUMENT_NAME, AdminClient

logger = logging.getLogger(__name__)

# First poll delay, growth factor and ceiling (seconds): quick for small shops, gentle for big ones.
POLL_INITIAL_SECONDS = 1.0
POLL_BACKOFF_FACTOR = 1.5
POLL_MAX_SECONDS = 30.0
# Shopify stops a bulk query after 10 days; we give up far earlier and let the next sync retry.
DEFAULT_TIMEOUT_SECONDS = 6 * 3600.0
FINISHED_STATUSES = frozenset({"COMPLETED", "FAILED", "CANCELED", "EXPIRED"})
# userErrors codes meaning "busy": another bulk query runs (or the concurrency limit is reached).
BUSY_CODES = frozenset({"OPERATION_IN_PROGRESS", "LIMIT_REACHED"})


@dataclass(frozen=True)
class BulkOperation:
    """A bulk operation's state as `bulkOperation(id:)` reports it."""

    id: str
    status: str
    error_code: str | None = None
    object_count: int = 0
    root_object_count: int = 0
    file_size: int | None = None
    url: str | None = None
    partial_data_url: str | None = None
    completed_at: str | None = None

    @classmethod
    def from_node(cls, node: dict[str, Any]) -> BulkOperation:
        """Build from a BulkOperation object of the GraphQL response."""
        return cls(id=node["id"], status=node["status"], error_code=node.get("errorCode"),
                   object_count=int(node.get("objectCount") or 0),
                   root_object_count=int(node.get("rootObjectCount") or 0),
                   file_size=int(node["fileSize"]) if node.get("fileSize") is not None else None,
                   url=node.get("url"), partial_data_url=node.get("partialDataUrl"),
                   completed_at=node.get("completedAt"))


def start(client: AdminClient, inner_query: str, *, reuse_running: bool = True) -> str:
    """Start a bulk query (a queries/ name like "BulkOrders", or text) and return its id.

    If Shopify is busy with the very same query (a retried task started it before), return the
    running operation's id instead of failing, unless `reuse_running` is False.
    """
    text = queries.load(inner_query) if DOCUMENT_NAME.match(inner_query) else inner_query
    payload = client.execute("BulkOperationRunQuery", {"query": text})["bulkOperationRunQuery"] or {}
    errors = payload.get("userErrors") or []
    if errors:
        busy = bool({str(e.get("code") or "") for e in errors} & BUSY_CODES)
        running = _running_with_query(client, text) if busy and reuse_running else None
        if running is not None:
            logger.info("bulk operation %s already runs this query on %s; awaiting it", running,
                        client.shop)
            return running
        error = BulkOperationError(
            "Shopify refused to start the bulk query: "
            + "; ".join(str(e.get("message")) for e in errors)
            + (" Wait for the running operation to finish, then start again." if busy else ""))
        error.retriable = busy
        raise error
    operation = payload.get("bulkOperation")
    if not operation or not operation.get("id"):
        raise BulkOperationError("Shopify accepted the bulk query but returned no operation id.")
    logger.info("bulk operation %s started on %s", operation["id"], client.shop)
    return str(operation["id"])


def await_completion(client: AdminClient, operation_id: str, *,
                     timeout: float = DEFAULT_TIMEOUT_SECONDS,
                     poll_initial: float = POLL_INITIAL_SECONDS,
                     poll_max: float = POLL_MAX_SECONDS,
                     on_progress: Callable[[BulkOperation], None] | None = None,
                     wait: Callable[[float], object] | None = None,
                     clock: Callable[[], float] = time.monotonic) -> BulkOperation:
    """Poll bulkOperation(id:) with backoff until it finishes; return it when COMPLETED.

    `wait(seconds)` sleeps between polls; pass a `threading.Event().wait` that the
    bulk_operations/finish webhook sets to poll at once when Shopify says it is done.
    """
    pause = wait or time.sleep
    deadline = clock() + timeout
    delay = poll_initial
    while True:
        operation = _poll(client, operation_id)
        if on_progress is not None:
            on_progress(operation)
        if operation.status in FINISHED_STATUSES:
            return _finished(operation)
        remaining = deadline - clock()
        if remaining <= 0:
            raise BulkOperationError(
                f"Bulk operation {operation_id} is still {operation.status} after {timeout:.0f}s; "
                "it keeps running on Shopify, so await it again later.")
        pause(min(delay, remaining))
        delay = min(poll_max, delay * POLL_BACKOFF_FACTOR)


def _running_with_query(client: AdminClient, text: str) -> str | None:
    wanted = " ".join(text.split())
    nodes = client.execute("RunningBulkOperations")["bulkOperations"]["nodes"] or []
    return next((str(n["id"]) for n in nodes if " ".join(str(n.get("query", "")).split()) == wanted), None)


def _poll(client: AdminClient, operation_id: str) -> BulkOperation:
    node = client.execute("BulkOperation", {"id": operation_id}).get("bulkOperation")
    if node is None:
        raise BulkOperationError(f"Shopify knows no bulk operation {operation_id} for {client.shop}.")
    return BulkOperation.from_node(node)


def _finished(operation: BulkOperation) -> BulkOperation:
    if operation.status == "COMPLETED":
        return operation
    raise BulkOperationError(
        f"Bulk operation {operation.id} ended {operation.status}"
        + (f" ({operation.error_code})" if operation.error_code else "")
        + (f" after {operation.object_count} objects; partial data is at partialDataUrl."
           if operation.partial_data_url else "."))
