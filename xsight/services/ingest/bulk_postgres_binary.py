"""The PostgreSQL bulk writes of rows that arrive as binary COPY fields (copy_binary.py, decision 089).

New rows go straight into the table (customers), new children with their parent's id (line items),
new rows with ids drawn from the table's sequence and their link looked up (orders, decision 086);
otherwise the rows go through the stage and one INSERT (or upsert) … SELECT, as tuples do in
bulk_postgres.py. Each row gets only what the mapper could not know put in front of it: its field
count, ids, the shop and the sync time. A stored row fails a plain COPY with a unique violation,
and the caller writes the batch again as upserts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from xsight.services.ingest import copy_binary
from xsight.services.ingest.bulk_postgres import insert_from_stage, open_stage, parent_ids
from xsight.services.ingest.bulk_sql import PARENT_COLUMN, PARENT_ID_COLUMN, CopyRows, Ids, Link

Lookup = Callable[[Sequence[Any]], list[int | None]]  # link gids -> their ids (None: not known)
HEAD_FIELDS = 2  # shop_id, synced_at


def write(cursor: Any, table: str, columns: tuple[str, ...], link: Link | None, rows: CopyRows,
          head: tuple[Any, Any], *, new_rows: bool, ids: Ids, parent: bool,
          lookup: Lookup | None = None) -> None:
    """Write the rows of `table` (see the module); a `parent` table's ids go into `ids`."""
    front = copy_binary.head(*head)
    if new_rows and not parent and link is None:
        copy_rows(cursor, table, columns, rows, front)
    elif new_rows and not parent and link is not None and link.source is None:
        copy_children(cursor, table, columns, link, rows, front, parent_ids(
            cursor, link, head[0], ids, (key for _, _, key in rows)))
    elif new_rows and lookup is not None and link is not None and link.source is not None:
        copy_parents(cursor, table, columns, link, rows, front, ids, lookup)
    else:
        staged(cursor, table, columns, link, rows, head, new_rows=new_rows, ids=ids, parent=parent)


def copy_rows(cursor: Any, table: str, columns: tuple[str, ...], rows: CopyRows, front: bytes) -> None:
    """COPY new rows of a table with no link and no children (customers) straight into it."""
    start = copy_binary.count(HEAD_FIELDS + len(columns)) + front
    parts: list[Any] = []
    for line, _, _ in rows:
        parts += (start, line)
    _copy(cursor, f"{table} (shop_id, synced_at, {', '.join(columns)})", parts)


def copy_children(cursor: Any, table: str, columns: tuple[str, ...], link: Link, rows: CopyRows,
                  front: bytes, known: dict[str, int]) -> None:
    """COPY new child rows straight into the table, each with its parent's id from `known`."""
    start, number, parent = copy_binary.count(1 + HEAD_FIELDS + len(columns)), copy_binary.number, known.get
    parts: list[Any] = []
    for line, _, key in rows:
        parts += (start, number(parent(key)), front, line)  # type: ignore[arg-type]
    _copy(cursor, f"{table} ({link.fk}, shop_id, synced_at, {', '.join(columns)})", parts)


def copy_parents(cursor: Any, table: str, columns: tuple[str, ...], link: Link, rows: CopyRows,
                 front: bytes, ids: Ids, lookup: Lookup) -> None:
    """COPY new rows with ids drawn from the table's sequence, each linked by `lookup` (decision 086).

    A link `lookup` does not know stays NULL and is linked later (writer.link_orders_to_customers).
    The ids go into `ids` for the children that follow; after a unique violation they stay unused.
    """
    cursor.execute("WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS seq) "
                   "SELECT nextval(s.seq) FROM s, generate_series(1, %s)", (table, len(rows)))
    new_ids = [row_id for row_id, in cursor.fetchall()]
    links, number = lookup([key for _, _, key in rows]), copy_binary.number
    start, parts = copy_binary.count(2 + HEAD_FIELDS + len(columns)), list[Any]()
    for row_id, (line, _, _), linked in zip(new_ids, rows, links, strict=True):
        parts += (start, number(row_id), number(linked), front, line)
    _copy(cursor, f"{table} (id, {link.fk}, shop_id, synced_at, {', '.join(columns)})", parts)
    ids[table] = {gid: row_id for row_id, (_, gid, _) in zip(new_ids, rows, strict=True)}


def staged(cursor: Any, table: str, columns: tuple[str, ...], link: Link | None, rows: CopyRows,
           head: tuple[Any, Any], *, new_rows: bool, ids: Ids, parent: bool) -> None:
    """COPY the rows into the table's stage, then INSERT or upsert them with one statement.

    A child's rows are staged with their parent's gid and id (bulk_sql.postgres_upsert); a
    parent's statement returns its ids into `ids`.
    """
    open_stage(cursor, table, columns, link)  # its own COPY names the columns in the rows' order
    names, parts = ", ".join(columns), list[Any]()
    if link is None or link.source is not None:
        start = copy_binary.count(len(columns))
        for line, _, _ in rows:
            parts += (start, line)
        _copy(cursor, f"_bulk_{table} ({names})", parts)
    else:
        known, number = ids.get(link.parent, {}).get, copy_binary.number
        parents, start = copy_binary.fields(key for _, _, key in rows), copy_binary.count(2 + len(columns))
        for gid, (line, _, key) in zip(parents, rows, strict=True):
            parts += (start, gid, number(known(key)), line)  # type: ignore[arg-type]
        _copy(cursor, f"_bulk_{table} ({PARENT_COLUMN}, {PARENT_ID_COLUMN}, {names})", parts)
    insert_from_stage(cursor, table, columns, link, head, new_rows=new_rows, ids=ids, parent=parent)


def _copy(cursor: Any, target: str, parts: list[Any]) -> None:
    """COPY the lines, given as their parts in order (a count first), into `target`, a table and its
    columns (one join of flat parts: about half the time of making each line's bytes first)."""
    with cursor.copy(f"COPY {target} FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(copy_binary.SIGNATURE)
        copy.write(b"".join(parts))
        copy.write(copy_binary.TRAILER)
