"""The bulk loader's SQLite statements: one executemany per table, parent ids handed on in Python.

A batch writes parents before children in one transaction, which holds SQLite's write lock. The
ids of the parent rows it inserted are read back at once (a range of rowids), so their children
bind the id and the statement's sub-select looks a parent up only for a child whose parent came in
an earlier batch or was updated rather than inserted (decision 081). Identifiers come from our own
table metadata.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from xsight.services.ingest import bulk_sql
from xsight.services.ingest.bulk_sql import Ids, Link, Rows


def write(cursor: Any, table: str, columns: tuple[str, ...], link: Link | None, rows: Rows,
          head: tuple[Any, Any], *, new_rows: bool, ids: Ids, parent: bool) -> None:
    """Insert (`new_rows`) or upsert the rows; a `parent` table's inserted ids go into `ids`."""
    sql = bulk_sql.sqlite_upsert(table, columns, link, new_rows=new_rows)
    shop = head[0]
    if link is None:
        params: Iterable[tuple[Any, ...]] = (head + row for row, _ in rows)
    elif link.source is not None:
        at = columns.index(link.source)
        params = (head + row + (shop, row[at]) for row, _ in rows)
    else:
        known = ids.get(link.parent, {}).get
        params = (head + row + (known(gid), shop, gid) for row, gid in rows)  # type: ignore[arg-type]
    cursor.executemany(sql, params)
    if parent:
        at_gid = columns.index("shopify_gid")
        gids = [row[at_gid] for row, _ in rows] if new_rows else None
        ids[table] = written(cursor, table, shop, len(rows), gids)


def written(cursor: Any, table: str, shop_id: int, count: int,
            gids: list[str] | None = None) -> dict[str, int]:
    """Return gid -> id of the rows the last statement inserted (those it updated are looked up).

    SQLite numbers new rows on from the largest rowid, and the transaction holds the write lock,
    so they are the `count` ids up to the last one inserted. After plain INSERTs of `gids` (every
    row inserted, in order) the ids are those positions, once the rows at both ends show it; else
    any row of the shop in that range maps its own gid to its own id, so a gap (or a batch of
    updates) costs only look-ups, never a wrong id. The range is read through the rowid (`+shop_id`
    keeps the planner off the (shop_id, shopify_gid) index, which would walk every row of the shop
    at each batch: 5.7 of 43 s at 10^6 orders).
    """
    last = cursor.execute("SELECT last_insert_rowid()").fetchone()[0]
    first = last - count + 1
    if gids and len(gids) == count:
        ends = cursor.execute(f"SELECT id, shopify_gid FROM {table} WHERE id IN (?, ?) "  # noqa: S608
                              "AND +shop_id = ?", (first, last, shop_id)).fetchall()
        if sorted(ends) == sorted({(first, gids[0]), (last, gids[-1])}):
            return dict(zip(gids, range(first, last + 1), strict=True))
    return dict(cursor.execute(f"SELECT shopify_gid, id FROM {table} "  # noqa: S608 - our table name
                               "WHERE id BETWEEN ? AND ? AND +shop_id = ?", (first, last, shop_id)))


def met_stored_row(exc: BaseException) -> bool:
    """True when a plain INSERT failed only because one of its rows is stored already."""
    return getattr(exc, "sqlite_errorname", None) == "SQLITE_CONSTRAINT_UNIQUE"
