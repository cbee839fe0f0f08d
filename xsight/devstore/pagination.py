"""Page through lists and tables with Shopify-style opaque cursors and search filters."""

from __future__ import annotations

import base64
import binascii
import contextvars
import json
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from graphql import GraphQLError

from .storage import Storage
from .values import parse_time, ts

MAX_PAGE = 250
UNLIMITED = 10**9
BULK_MODE: contextvars.ContextVar[bool] = contextvars.ContextVar("devstore_bulk_mode", default=False)
SORT_COLUMNS = {
    "UPDATED_AT": "updated_at",
    "CREATED_AT": "created_at",
    "PROCESSED_AT": "processed_at",
    "ID": "id",
}
SEARCH_FIELDS = {"updated_at": "updated_at", "created_at": "created_at", "processed_at": "processed_at"}
TERM = re.compile(r"""(?P<field>\w+):(?P<op>>=|<=|>|<|=)?(?P<value>'[^']*'|"[^"]*"|\S+)""")


def encode_cursor(last_id: int, last_value: Any) -> str:
    """Return an opaque cursor for a row."""
    return base64.b64encode(orjson.dumps({"last_id": last_id, "last_value": last_value})).decode()


def decode_cursor(cursor: str) -> tuple[int, Any]:
    """Decode a cursor, failing the way Shopify does for a malformed one."""
    try:
        data = json.loads(base64.b64decode(cursor.encode(), validate=True))
        return int(data["last_id"]), data["last_value"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise GraphQLError(
            f"Invalid cursor for current pagination sort: {cursor!r}.", extensions={"code": "BAD_REQUEST"}
        ) from exc


def page_size(args: dict[str, Any]) -> tuple[int, bool]:
    """Return (page size, backwards?) from first/last, enforcing Shopify's limits."""
    first, last = args.get("first"), args.get("last")
    if BULK_MODE.get():  # bulk operations ignore first/last and return every child
        return UNLIMITED, False
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last", extensions={"code": "BAD_REQUEST"})
    if first is not None and last is not None:
        raise GraphQLError(
            "providing both first and last is not supported", extensions={"code": "BAD_REQUEST"}
        )
    size = first if first is not None else last
    assert size is not None
    if size < 0 or size > MAX_PAGE:
        raise GraphQLError(
            f"The page size must be between 0 and {MAX_PAGE} (got {size}).",
            extensions={"code": "BAD_REQUEST"},
        )
    return size, first is None


def connection(rows: Sequence[Any], cursors: Sequence[str], has_next: bool, has_prev: bool) -> dict[str, Any]:
    """Return a connection dict with edges, nodes and pageInfo."""
    return {
        "edges": [{"cursor": c, "node": n} for c, n in zip(cursors, rows, strict=True)],
        "nodes": list(rows),
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_prev,
            "startCursor": cursors[0] if cursors else None,
            "endCursor": cursors[-1] if cursors else None,
        },
    }


def paginate_list(items: Sequence[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
    """Page through an in-memory list ordered by id."""
    size, backwards = page_size(args)
    ordered = sorted(items, key=lambda x: x["id"], reverse=bool(args.get("reverse")))
    ids = [x["id"] for x in ordered]
    lo, hi = 0, len(ordered)
    if args.get("after"):
        after_id = decode_cursor(args["after"])[0]
        lo = ids.index(after_id) + 1 if after_id in ids else hi
    if args.get("before"):
        before_id = decode_cursor(args["before"])[0]
        hi = ids.index(before_id) if before_id in ids else lo
    window = ordered[lo:hi]
    page = window[-size:] if backwards and size else window[:size]
    start = lo + (len(window) - len(page) if backwards else 0)
    return connection(
        page, [encode_cursor(x["id"], x["id"]) for x in page], start + len(page) < len(ordered), start > 0
    )


def parse_search(query: str | None, allowed: Sequence[str]) -> tuple[list[str], list[Any]]:
    """Turn Shopify search syntax on timestamps into SQL conditions (second precision)."""
    if not query:
        return [], []
    where: list[str] = []
    params: list[Any] = []
    rest = TERM.sub(" ", query).replace(" AND ", " ").strip()
    if rest and rest != "AND":
        raise GraphQLError(
            f"Unsupported search terms {rest!r} in query {query!r}; the devstore supports "
            f"field:op'value' on {', '.join(allowed)}.",
            extensions={"code": "BAD_REQUEST"},
        )
    for m in TERM.finditer(query):
        field, op, value = m.group("field"), m.group("op") or "=", m.group("value")
        if field not in allowed:
            raise GraphQLError(
                f"Search field {field!r} is not supported by the devstore (supported: {', '.join(allowed)}).",
                extensions={"code": "BAD_REQUEST"},
            )
        try:
            second = math.floor(parse_time(value))
        except ValueError as exc:
            raise GraphQLError(
                f"Invalid date {value!r} in search query.", extensions={"code": "BAD_REQUEST"}
            ) from exc
        col = SEARCH_FIELDS[field]
        bounds = {
            ">": [(">=", second + 1)],
            ">=": [(">=", second)],
            "<": [("<", second)],
            "<=": [("<", second + 1)],
            "=": [(">=", second), ("<", second + 1)],
        }[op]
        for sql_op, bound in bounds:
            where.append(f"{col} {sql_op} ?")
            params.append(ts(bound))
    return where, params


def paginate_table(
    storage: Storage,
    table: str,
    shop: str,
    args: dict[str, Any],
    search_fields: Sequence[str],
    wrap: Callable[[Any], Any],
    extra: tuple[str, list[Any]] | None = None,
    doc_col: str = "doc",
) -> dict[str, Any]:
    """Page through a table of the shop with keyset cursors on (sort column, id)."""
    size, backwards = page_size(args)
    col = SORT_COLUMNS.get(args.get("sortKey") or "ID")
    if col is None or (col == "processed_at" and table != "orders"):
        raise GraphQLError(
            f"Sort key {args.get('sortKey')} is not supported by the devstore for {table}.",
            extensions={"code": "BAD_REQUEST"},
        )
    where, params = parse_search(args.get("query"), search_fields)
    where.insert(0, "shop = ?")
    params.insert(0, shop)
    if extra:
        where.append(extra[0])
        params.extend(extra[1])
    desc = bool(args.get("reverse"))
    base_where, base_params = list(where), list(params)
    for key, forward in (("after", True), ("before", False)):
        if args.get(key):
            cid, cval = decode_cursor(args[key])
            op = ">" if forward != desc else "<"
            if col == "id":  # a plain range lets SQLite walk the (shop, id) index
                where.append(f"id {op} ?")
                params.append(cid)
            else:
                where.append(f"({col}, id) {op} (?, ?)")
                params.extend([cval, cid])
    scan_desc = desc != backwards
    order = "DESC" if scan_desc else "ASC"
    # table and col come from fixed whitelists, values are bound
    cond = " AND ".join(where)
    sql = f"SELECT id, {col}, {doc_col} FROM {table} WHERE {cond} ORDER BY {col} {order}, id {order} LIMIT ?"  # noqa: S608
    rows = storage.query(sql, [*params, size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    cursors = [encode_cursor(r[0], r[1]) for r in rows]
    if backwards:
        has_prev, has_next = more, bool(args.get("before"))
    else:
        has_next, has_prev = more, False
        if args.get("after") and rows:
            op = "<" if not desc else ">"
            bcond = " AND ".join(base_where)
            key, kparams = ("id", [rows[0][0]]) if col == "id" else (f"({col}, id)", [rows[0][1], rows[0][0]])
            placeholder = "?" if col == "id" else "(?, ?)"
            check = f"SELECT 1 FROM {table} WHERE {bcond} AND {key} {op} {placeholder} LIMIT 1"  # noqa: S608
            has_prev = bool(storage.query(check, [*base_params, *kparams]))
    return connection([wrap(r) for r in rows], cursors, has_next, has_prev)
