"""Run bulk query operations in the background and write Shopify-style JSONL."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import random
import sqlite3
import threading
from pathlib import Path
from typing import Any

import orjson

from .bulk_jsonl import JsonlWriter, nodes
from .bulk_query import BulkPlan, plan_bulk_query
from .pagination import BULK_MODE, parse_search
from .project import can_project, project
from .registry import tag
from .schema import run
from .values import gid, make_id, now_ts, parse_time, rest_ts

log = logging.getLogger(__name__)
BATCH = 250  # root objects executed per GraphQL pass
MAX_RUNNING = 5  # API 2026-01+: five bulk queries at a time per shop
ACTIVE = ("CREATED", "RUNNING")
ROOT_TYPES = {"orders": "Order", "customers": "Customer", "products": "Product"}


class BulkRunner:
    """Start bulk operations, write their JSONL files and sign their download URLs."""

    def __init__(self, services: Any) -> None:
        self.svc = services
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        base = services.config.bulk_dir or str(Path(services.storage.path).with_suffix("")) + "-bulk"
        self.dir = Path(base)

    def start(self, shop: str, query: str) -> tuple[int, list[dict[str, Any]]]:
        """Validate a bulk query and start it; return (operation id, userErrors)."""
        plan, errors = plan_bulk_query(query)
        if plan is None:
            return 0, [{"field": ["query"], "message": m, "code": "INVALID"} for m in errors]
        storage = self.svc.storage
        with storage.write() as conn:
            running = conn.execute(
                "SELECT COUNT(*) FROM bulk_ops WHERE shop=? AND status IN (?,?)", (shop, *ACTIVE)
            ).fetchone()[0]
            if running >= MAX_RUNNING:
                return 0, [
                    {
                        "field": None,
                        "code": "OPERATION_IN_PROGRESS",
                        "message": f"A bulk query operation for this app and shop is already in progress "
                        f"({running} running, limit {MAX_RUNNING}).",
                    }
                ]
            shop_no = storage.shop_row(shop)[0]
            op_id = make_id(shop_no, "BulkOperation", storage.next_seq(conn, shop, "BulkOperation") + 1)
            conn.execute(
                "INSERT INTO bulk_ops (id, shop, status, query, created_at) VALUES (?,?,?,?,?)",
                (op_id, shop, "CREATED", query, now_ts()),
            )
        thread = threading.Thread(
            target=self._run, args=(shop, op_id, plan), name=f"devstore-bulk-{op_id}", daemon=True
        )
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return op_id, []

    def stop(self) -> None:
        """Ask running operations to stop and wait for them."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def signed_url(self, op_id: int) -> str:
        """Return the signed, expiring download URL of a finished operation."""
        rows = self.svc.storage.query("SELECT completed_at FROM bulk_ops WHERE id=?", (op_id,))
        completed = rows[0][0] if rows and rows[0][0] else now_ts()
        expires = int(parse_time(completed) + self.svc.config.bulk_url_ttl)
        return (
            f"{self.svc.config.base_url}/_devstore/bulk/{op_id}.jsonl?expires={expires}&signature="
            f"{self.signature(op_id, expires)}"
        )

    def signature(self, op_id: int, expires: int) -> str:
        """Return the URL signature for an operation id and expiry time."""
        msg = f"{op_id}:{expires}".encode()
        return hmac.new(self.svc.config.api_secret.encode(), msg, hashlib.sha256).hexdigest()

    def _update(self, op_id: int, **values: Any) -> None:
        cols = ", ".join(f"{k}=?" for k in values)
        with self.svc.storage.write() as conn:
            conn.execute(f"UPDATE bulk_ops SET {cols} WHERE id=?", (*values.values(), op_id))  # noqa: S608

    def _progress(self, op_id: int, writer: JsonlWriter) -> None:
        """Record the counts so far; a busy database skips this report rather than fail the export."""
        try:
            self._update(op_id, object_count=writer.objects, root_object_count=writer.roots)
        except sqlite3.OperationalError as exc:
            log.warning("bulk operation %s: progress not recorded (%s)", op_id, exc)

    def _run(self, shop: str, op_id: int, plan: BulkPlan) -> None:
        BULK_MODE.set(True)
        self._update(op_id, status="RUNNING")
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / f"{op_id}.jsonl"
        fail = self.svc.chance(self.svc.config.faults.bulk_fail)
        writer = JsonlWriter(path, random.Random(op_id))
        fast = can_project(plan.document)
        try:
            for batch in self._batches(shop, plan):
                if self._stop.is_set() or (fail and writer.roots > 0):
                    raise RuntimeError("devstore bulk_fail fault" if fail else "store stopping")
                for node in self._execute(shop, plan, batch, fast):
                    writer.root(node, plan.root_field, plan.root_type)
                # Like Shopify, a running operation reports the objects written so far.
                self._progress(op_id, writer)
            if fail:
                raise RuntimeError("devstore bulk_fail fault")
            writer.close()
            self._finish(shop, op_id, "COMPLETED", None, writer, partial=False)
        except Exception:  # a failed operation is reported through its status, like Shopify
            log.exception("bulk operation %s on %s failed after %d objects", op_id, shop, writer.objects)
            writer.close()
            self._finish(shop, op_id, "FAILED", "INTERNAL_SERVER_ERROR", writer, partial=True)

    def _execute(self, shop: str, plan: BulkPlan, batch: list[Any], fast: bool) -> list[Any]:
        """Resolve one batch of root objects: the fast projector, or graphql-core for exotic documents."""
        ctx = self.svc.ctx(shop)
        if fast:
            kind = ROOT_TYPES[plan.table]
            sel = plan.root_field.selection_set
            assert sel is not None
            return [project(tag(orjson.loads(row[2]), kind), plan.root_type, sel, ctx) for row in batch]
        ctx.bulk_rows = batch
        result = run(plan.document, ctx, None, None)
        if result.errors:
            raise RuntimeError(result.errors[0].message)
        assert result.data is not None
        return nodes(result.data[plan.root_key])

    def _batches(self, shop: str, plan: BulkPlan) -> Any:
        where, params = parse_search(
            plan.search, ("updated_at", "created_at", "processed_at")[: 3 if plan.table == "orders" else 2]
        )
        cond = " AND ".join(["shop = ?", *where, "id > ?"])
        last = 0
        while True:
            rows = self.svc.storage.query(
                f"SELECT id, id, doc FROM {plan.table} WHERE {cond} ORDER BY id LIMIT ?",  # noqa: S608
                [shop, *params, last, BATCH],
            )
            if not rows:
                return
            yield rows
            last = rows[-1][0]

    def _finish(
        self, shop: str, op_id: int, status: str, error: str | None, writer: JsonlWriter, partial: bool
    ) -> None:
        done = now_ts()
        size = writer.path.stat().st_size if writer.path.exists() else 0
        has_file = writer.objects > 0 or status == "COMPLETED"
        self._update(
            op_id,
            status=status,
            error_code=error,
            completed_at=done,
            object_count=writer.objects,
            root_object_count=writer.roots,
            file_size=size if has_file else None,
            path=str(writer.path) if has_file else None,
            partial=int(partial),
        )
        if not has_file and writer.path.exists():
            os.remove(writer.path)
        created = self.svc.storage.query("SELECT created_at FROM bulk_ops WHERE id=?", (op_id,))[0][0]
        self.svc.webhooks.emit(
            shop,
            "bulk_operations/finish",
            {
                "admin_graphql_api_id": gid("BulkOperation", op_id),
                "completed_at": rest_ts(done),
                "created_at": rest_ts(created),
                "error_code": error.lower() if error else None,
                "status": status.lower(),
                "type": "query",
            },
        )
