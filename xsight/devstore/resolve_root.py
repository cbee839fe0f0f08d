"""Resolve the query root, node lookups, bulk operations and the tag mutations."""

from __future__ import annotations

import json
from typing import Any

from graphql import GraphQLError

from .pagination import connection, encode_cursor, paginate_table
from .registry import Ctx, register, tag
from .resolve_catalog import order_obj
from .values import api_ts, gid, parse_gid

TABLES = {"Order": "orders", "Customer": "customers", "Product": "products"}
MAX_NODES = 250


def load_node(ctx: Ctx, gid_value: str) -> dict[str, Any] | None:
    """Return the object behind a global id in the current shop, or None."""
    parsed = parse_gid(gid_value)
    if parsed is None:
        raise GraphQLError(
            f"Invalid global id '{gid_value}'", extensions={"code": "argumentLiteralsIncompatible"}
        )
    kind, num = parsed
    if kind in TABLES:
        rows = ctx.storage.query(f"SELECT doc FROM {TABLES[kind]} WHERE id=? AND shop=?", (num, ctx.shop))  # noqa: S608
        return tag(json.loads(rows[0][0]), kind) if rows else None
    if kind == "BulkOperation":
        return bulk_obj(ctx, num)
    if kind == "Shop" and num == ctx.shop_doc["id"]:
        return tag(dict(ctx.shop_doc), "Shop")
    return None


def bulk_obj(ctx: Ctx, num: int) -> dict[str, Any] | None:
    """Return a BulkOperation source for a numeric id in the current shop."""
    rows = ctx.storage.query("SELECT * FROM bulk_ops WHERE id=? AND shop=?", (num, ctx.shop))
    if not rows:
        return None
    names = (
        "id",
        "shop",
        "status",
        "error_code",
        "query",
        "created_at",
        "completed_at",
        "object_count",
        "root_object_count",
        "file_size",
        "path",
        "partial",
    )
    return tag(dict(zip(names, rows[0], strict=True)), "BulkOperation")


def _table(table: str, fields: tuple[str, ...]) -> Any:
    def resolve(_root: Any, info: Any, **args: Any) -> dict[str, Any]:
        """Resolve a root connection (or the current bulk batch)."""
        ctx = info.context
        args.pop("savedSearchId", None)
        wrap = (
            order_obj
            if table == "orders"
            else (lambda r: tag(json.loads(r[2]), "Customer" if table == "customers" else "Product"))
        )
        if ctx.bulk_rows is not None and info.path.prev is None:  # bulk run: the batch being written
            rows = ctx.bulk_rows
            return connection(
                [wrap(r) for r in rows], [encode_cursor(r[0], r[0]) for r in rows], False, False
            )
        return paginate_table(ctx.storage, table, ctx.shop, args, fields, wrap)

    return resolve


def _bulk_ops(_root: Any, info: Any, **args: Any) -> dict[str, Any]:
    ctx = info.context
    args["sortKey"] = "ID" if args.get("sortKey") in (None, "CREATED_AT") else args["sortKey"]
    if args["sortKey"] != "ID":
        raise GraphQLError(
            "The devstore sorts bulkOperations by CREATED_AT only.", extensions={"code": "BAD_REQUEST"}
        )
    extra = None
    if args.get("query"):
        terms = dict(t.split(":", 1) for t in args.pop("query").split() if ":" in t)
        unknown = set(terms) - {"status", "operation_type"}
        if unknown:
            raise GraphQLError(
                f"Unsupported bulkOperations search fields {sorted(unknown)}.",
                extensions={"code": "BAD_REQUEST"},
            )
        if "status" in terms:
            extra = ("status = ?", [terms["status"].strip("'\"").upper()])
    wrap = lambda r: bulk_obj(ctx, r[0])  # noqa: E731
    return paginate_table(ctx.storage, "bulk_ops", ctx.shop, args, (), wrap, extra, doc_col="status")


register(
    "QueryRoot",
    {
        "shop": lambda r, i: tag(dict(i.context.shop_doc), "Shop"),
        "customers": _table("customers", ("updated_at", "created_at")),
        "orders": _table("orders", ("updated_at", "created_at", "processed_at")),
        "products": _table("products", ("updated_at", "created_at")),
        "node": lambda r, i, id: load_node(i.context, id),
        "nodes": lambda r, i, ids: [load_node(i.context, x) for x in _cap(ids)],
        "customer": lambda r, i, id: _typed(i.context, id, "Customer"),
        "order": lambda r, i, id: _typed(i.context, id, "Order"),
        "product": lambda r, i, id: _typed(i.context, id, "Product"),
        "bulkOperation": lambda r, i, id: _typed(i.context, id, "BulkOperation"),
        "bulkOperations": _bulk_ops,
    },
)


def _cap(ids: list[str]) -> list[str]:
    if len(ids) > MAX_NODES:
        raise GraphQLError(
            f"The input array size of {len(ids)} is greater than the maximum allowed of {MAX_NODES}.",
            extensions={"code": "MAX_INPUT_SIZE_EXCEEDED"},
        )
    return ids


def _typed(ctx: Ctx, gid_value: str, kind: str) -> dict[str, Any] | None:
    node = load_node(ctx, gid_value)
    return node if node is not None and node["__typename"] == kind else None


def _bulk_url(b: dict[str, Any], i: Any, partial: bool) -> str | None:
    if b["path"] is None or bool(b["partial"]) != partial:
        return None
    return str(i.context.services.bulk.signed_url(b["id"]))


register(
    "BulkOperation",
    {
        "id": lambda b, i: gid("BulkOperation", b["id"]),
        "status": lambda b, i: b["status"],
        "errorCode": lambda b, i: b["error_code"],
        "createdAt": lambda b, i: api_ts(b["created_at"]),
        "completedAt": lambda b, i: api_ts(b["completed_at"]),
        "objectCount": lambda b, i: str(b["object_count"]),
        "rootObjectCount": lambda b, i: str(b["root_object_count"]),
        "fileSize": lambda b, i: None if b["file_size"] is None else str(b["file_size"]),
        "url": lambda b, i: _bulk_url(b, i, False),
        "partialDataUrl": lambda b, i: _bulk_url(b, i, True),
        "query": lambda b, i: b["query"],
        "type": lambda b, i: "QUERY",
    },
)


def _tags(add: bool) -> Any:
    def resolve(_root: Any, info: Any, id: str, tags: list[str]) -> dict[str, Any]:
        """Add or remove tags on a customer."""
        ctx: Ctx = info.context
        node = load_node(ctx, id)
        if node is None or node["__typename"] != "Customer":
            return {"node": None, "userErrors": [{"field": ["id"], "message": "Customer does not exist"}]}
        updated = ctx.services.mutate.retag_customer(ctx.shop, node["id"], tags, add)
        return {"node": tag(updated, "Customer"), "userErrors": []}

    return resolve


def _bulk_run(_root: Any, info: Any, query: str, groupObjects: bool = False) -> dict[str, Any]:
    ctx: Ctx = info.context
    op_id, errors = ctx.services.bulk.start(ctx.shop, query)
    if errors:
        return {"bulkOperation": None, "userErrors": errors}
    return {"bulkOperation": bulk_obj(ctx, op_id), "userErrors": []}


register("Mutation", {"tagsAdd": _tags(True), "tagsRemove": _tags(False), "bulkOperationRunQuery": _bulk_run})
