"""Full backfill through Bulk Operations: export, stream, upsert; resumable from its checkpoint."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from xsight.errors import BulkOperationError
from xsight.extensions import db
from xsight.models import Order, Refund, Shop, SyncRun, WebhookDelivery
from xsight.models.types import utcnow
from xsight.services import rollups, sync_runs
from xsight.services.ingest import bulk_load, bulk_mapping, tombstones
from xsight.services.ingest.bulk_groups import write_refunds
from xsight.services.ingest.writer import Writer, link_orders_to_customers
from xsight.services.shopify_app import http_client
from xsight.services.shopify_client import client_for, refresh_shop_details
from xsight.shopify import bulk, jsonl
from xsight.shopify.client import AdminClient
from xsight.shopify.orders import fetch_refunds

log = logging.getLogger(__name__)

RESOURCES = ("customers", "products", "orders")
BULK_DOCUMENTS = {"customers": "BulkCustomers", "products": "BulkProducts", "orders": "BulkOrders"}
# PostgreSQL: lines per batch and commit. With mapping in a child process (decision 082) the
# server's statements are the longest lane: 20,000-line batches took a 10^6-order load from 56.3 s
# to 45.9 s (fewer statements, plans and round trips); a shop's webhooks wait for the batch in
# progress, up to ~0.4 s.
COMMIT_EVERY_LINES = 20_000
# SQLite: one transaction writes each index page it touches once; at 5,000 lines a 10^6-order
# backfill rewrote the same pages in every commit, 111 s against 73 s (decision 078).
SQLITE_COMMIT_EVERY_LINES = 50_000
# Incremental sync starts this far before the backfill began, to cover changes made meanwhile.
CURSOR_OVERLAP = timedelta(minutes=5)
REFUND_DETAIL_BATCH = 200
BULK_FINISH_TOPIC = "bulk_operations/finish"
FINISH_CHECK_INTERVAL_S = 0.25


def run(run: SyncRun, *, commit_every: int | None = None) -> None:
    """Backfill the shop of `run`, continuing from its checkpoint."""
    shop = db.session.get(Shop, run.shop_id)
    assert shop is not None
    client = client_for(shop)
    sync_runs.begin(run, "shop")
    refresh_shop_details(shop, client)
    checkpoint: dict[str, Any] = dict(run.checkpoint or {})
    checkpoint.setdefault("started_at", utcnow().isoformat())
    sync_runs.progress(run, checkpoint=checkpoint)
    _start_exports(run, client)
    for resource in RESOURCES:
        _export(run, client, resource)
    total = sum(int(run.checkpoint[r]["objects"]) for r in RESOURCES)
    sync_runs.progress(run, total=total)
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    every = commit_every or (SQLITE_COMMIT_EVERY_LINES if sqlite else COMMIT_EVERY_LINES)
    exports = [(r, int(_state(run, r).get("objects", 0)), int(_state(run, r).get("lines_done", 0)))
               for r in RESOURCES if not _state(run, r).get("written")]
    urls = {r: _state(run, r).get("url") for r, _, _ in exports}
    sources = {r: (lambda url=url: _export_bytes(url)) for r, url in urls.items()}
    with bulk_mapping.Ahead(db.session, exports, every, sources) as ahead:  # decisions 083, 085
        for resource in RESOURCES:
            _write(run, resource, every, ahead)
    _refund_details(run, client)
    tombstones.purge(db.session, shop.id)  # deleted while Shopify exported them
    link_orders_to_customers(db.session, shop.id)
    sync_runs.progress(run, step="analytics")
    rollups.rebuild(db.session, shop.id)
    cursor = (datetime.fromisoformat(run.checkpoint["started_at"]) - CURSOR_OVERLAP).isoformat()
    shop.settings = {**(shop.settings or {}), "backfilled_at": utcnow().isoformat(),
                     "sync_cursor": {r: cursor for r in RESOURCES}}
    db.session.commit()


def _state(run: SyncRun, resource: str) -> dict[str, Any]:
    state: dict[str, Any] = dict((run.checkpoint or {}).get(resource) or {})
    return state


def _start_exports(run: SyncRun, client: AdminClient) -> None:
    """Start every export not started yet, as many as Shopify runs at once (five since 2026-01).

    Where the shop allows fewer, the rest wait: `_export` starts each one after the one before it.
    """
    for resource in RESOURCES:
        state = _state(run, resource)
        if state.get("url") or state.get("written") or state.get("operation_id"):
            continue
        try:
            state["operation_id"] = bulk.start(client, BULK_DOCUMENTS[resource])
        except BulkOperationError as exc:
            if exc.retriable:  # busy: Shopify runs fewer at once for this shop
                return
            raise
        sync_runs.progress(run, checkpoint={resource: state})


def _export(run: SyncRun, client: AdminClient, resource: str) -> None:
    state = _state(run, resource)
    if state.get("url") or state.get("written"):
        return
    step = f"exporting {resource}"
    sync_runs.progress(run, step=step)
    if not state.get("operation_id"):
        state["operation_id"] = bulk.start(client, BULK_DOCUMENTS[resource])
        sync_runs.progress(run, checkpoint={resource: state})
    operation = bulk.await_completion(
        client, state["operation_id"], wait=_finish_signal(run.shop_id),
        on_progress=lambda op: sync_runs.progress(run, step=_exported(resource, op.object_count)))
    state.update(url=operation.url, objects=operation.object_count, lines_done=0)
    sync_runs.progress(run, checkpoint={resource: state})


def _exported(resource: str, objects: int) -> str:
    """Step text while Shopify exports: the objects written so far (its total is not known yet)."""
    return f"exporting {resource}: {objects:,} so far" if objects else f"exporting {resource}"


def _finish_signal(shop_id: int) -> Callable[[float], None]:
    """Return a sleep that ends early when a bulk_operations/finish webhook arrives."""
    since = [utcnow()]

    def wait(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            arrived = db.session.scalar(select(WebhookDelivery.id).where(
                WebhookDelivery.shop_id == shop_id, WebhookDelivery.topic == BULK_FINISH_TOPIC,
                WebhookDelivery.received_at >= since[0]).limit(1))
            db.session.rollback()  # end the read so the next check sees new rows
            if arrived is not None:
                since[0] = utcnow()
                return
            time.sleep(min(FINISH_CHECK_INTERVAL_S, max(0.0, deadline - time.monotonic())))

    return wait


def _export_bytes(url: str | None) -> Iterator[bytes]:
    """The bytes of a finished export's JSONL file (an export with no objects has no file)."""
    return jsonl.stream_bytes(http_client(), url) if url else iter(())


def _write(run: SyncRun, resource: str, commit_every: int, ahead: bulk_mapping.Ahead) -> None:
    state = _state(run, resource)
    if state.get("written"):
        return
    sync_runs.progress(run, step=f"saving {resource}")
    # Every object before `lines_done` was written and committed; restart just after them.
    safe = int(state.get("lines_done", 0))
    done_before = sum(int(_state(run, r).get("objects", 0)) for r in RESOURCES
                      if _state(run, r).get("written"))

    def committed(count: int) -> None:
        state["lines_done"] = safe + count
        sync_runs.progress(run, processed=done_before + safe + count,
                           checkpoint={resource: state})

    count = bulk_load.load_jsonl(db.session, run.shop_id, resource, _export_bytes(state.get("url")),
                                 skip=safe, expected=int(state.get("objects", 0)),
                                 commit_every=commit_every, on_commit=committed,
                                 process=ahead.process_for(resource))
    state.update(written=True, lines_done=safe + count)
    sync_runs.progress(run, processed=done_before + safe + count, checkpoint={resource: state})


def _refund_details(run: SyncRun, client: AdminClient) -> None:
    """Fetch refund line items, which bulk exports cannot nest inside the refunds list."""
    state = dict((run.checkpoint or {}).get("refund_details") or {})
    if state.get("done"):
        return
    sync_runs.progress(run, step="refund details")
    after = int(state.get("after_order_id", 0))
    while True:
        orders = next_refunded_orders(run.shop_id, after)
        if not orders:
            break
        writer = Writer(db.session, run.shop_id)
        for _, order_gid in orders:
            write_order_refunds(writer, client, order_gid)
        writer.flush()
        after = orders[-1][0]
        sync_runs.progress(run, checkpoint={"refund_details": {"after_order_id": after}})
    sync_runs.progress(run, checkpoint={"refund_details": {"done": True}})


def next_refunded_orders(shop_id: int, after: int) -> list[tuple[int, str]]:
    """Return (id, gid) of the shop's next REFUND_DETAIL_BATCH orders with refunds above id `after`.

    Found along the refunds' (shop, order) index and joined to orders by id, so a batch costs
    the same at the first order as at the millionth (a walk of the shop's orders cost up to 2 s
    a batch at 10^6 orders on SQLite).
    """
    refunded = (select(Refund.order_id).where(Refund.shop_id == shop_id, Refund.order_id > after)
                .distinct().order_by(Refund.order_id).limit(REFUND_DETAIL_BATCH).subquery())
    rows = db.session.execute(
        select(Order.id, Order.shopify_gid).join(refunded, Order.id == refunded.c.order_id)
        .where(Order.shop_id == shop_id).order_by(Order.id)).all()
    return [(order_id, gid) for order_id, gid in rows]


def write_order_refunds(writer: Writer, client: AdminClient, order_gid: str) -> None:
    """Queue every refund of one order in detail (bulk exports cannot nest those connections)."""
    write_refunds(writer, order_gid, fetch_refunds(client, order_gid))
