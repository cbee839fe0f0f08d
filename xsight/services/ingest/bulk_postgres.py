"""The bulk loader's PostgreSQL batches: few round trips, plain INSERTs where the shop has no rows yet.

Each statement the loader waits for costs a round trip and, while the mapping thread holds the
GIL (bulk_pipeline), up to a 5 ms switch interval to take it back: a batch's fixed statements go
together (the shop's write turn with the shop's claim and the savepoint, a stage's creation with
its truncation). Identifiers come from our own table metadata and the
only values formatted into SQL are integer ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from xsight.services import locks
from xsight.services.ingest import bulk_sql
from xsight.services.ingest.bulk_sql import Ids, Link, Rows

UNIQUE_VIOLATION = "23505"  # SQLSTATE of a plain INSERT meeting a stored row
SAVEPOINT = "bulk_batch"


def begin(cursor: Any, shop_id: int, *, savepoint: bool) -> None:
    """Take the shop's write turn, claim the shop (its rows have no foreign key), maybe a savepoint.

    The claim comes before any write (locks.claim_shop): a shop being deleted then waits for this
    batch's commit (its trigger deletes the rows), or has gone and the batch stores nothing.
    A session in another client encoding speaks UTF-8 until the batch's commit: the mapper writes
    the text of binary COPY rows in UTF-8, and such fields are read in the client encoding (COPY's
    ENCODING option is for text format only). Set before the savepoint, so `undo` keeps it.
    """
    sql = f"{locks.shop_rollups_sql(shop_id)}; {locks.claim_shop_sql(shop_id)}"
    if cursor.connection.info.encoding != "utf-8":
        sql += "; SET LOCAL client_encoding TO 'UTF8'"
    cursor.execute(sql + (f"; SAVEPOINT {SAVEPOINT}" if savepoint else ""))
    cursor.nextset()
    if cursor.fetchone() is None:
        raise locks.shop_gone(shop_id)


def undo(cursor: Any) -> None:
    """Go back to the savepoint `begin` took (after a plain INSERT met a stored row)."""
    cursor.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")


def end(cursor: Any) -> None:
    """Release the savepoint `begin` took."""
    cursor.execute(f"RELEASE SAVEPOINT {SAVEPOINT}")


def met_stored_row(exc: BaseException) -> bool:
    """True when a plain INSERT failed only because one of its rows is stored already."""
    return getattr(exc, "sqlstate", None) == UNIQUE_VIOLATION


def write(cursor: Any, table: str, columns: tuple[str, ...], link: Link | None, rows: Rows,
          head: tuple[Any, Any], *, new_rows: bool, ids: Ids, parent: bool) -> None:
    """COPY the rows into the table's stage, then INSERT (or upsert) them with one statement.

    A child row is staged with its parent's id when `ids` has it; a `parent` table's statement
    returns the ids of the rows it wrote into `ids` for the children that follow. New rows of a
    child table that is no parent go straight into the table (`copy_children`). The big tables'
    rows come as binary COPY fields instead (bulk_postgres_binary.py).
    """
    if new_rows and not parent and link is not None and link.source is None:
        copy_children(cursor, table, columns, link, rows, head, ids)
        return
    with cursor.copy(open_stage(cursor, table, columns, link)) as copy:
        put: Callable[[Any], None] = copy.write_row
        if link is None or link.source is not None:
            for row, _ in rows:
                put(row)
        else:
            known = ids.get(link.parent, {}).get
            for row, gid in rows:
                put((*row, gid, known(gid)))  # type: ignore[arg-type]
    insert_from_stage(cursor, table, columns, link, head, new_rows=new_rows, ids=ids, parent=parent)


def open_stage(cursor: Any, table: str, columns: tuple[str, ...], link: Link | None) -> str:
    """Create (or empty) the table's stage; return the COPY into it (bulk_sql.postgres_stage)."""
    create, copy_sql = bulk_sql.postgres_stage(table, columns, link)
    cursor.execute(f"{create}; TRUNCATE _bulk_{table}")
    return copy_sql


def insert_from_stage(cursor: Any, table: str, columns: tuple[str, ...], link: Link | None,
                      head: tuple[Any, Any], *, new_rows: bool, ids: Ids, parent: bool) -> None:
    """INSERT (or upsert) the staged rows with one statement; a `parent`'s ids go into `ids`."""
    params = head + ((head[0],) if link is not None else ())
    cursor.execute(bulk_sql.postgres_upsert(table, columns, link, new_rows=new_rows, returning=parent),
                   params)
    if parent:
        ids[table] = dict(cursor.fetchall())


def parent_ids(cursor: Any, link: Link, shop_id: int, ids: Ids, gids: Iterable[Any]) -> dict[str, int]:
    """The ids of these parent gids: those the batch wrote (`ids`), the others read in one query.

    A gid found nowhere stays out: its child's id column gets NULL and, NOT NULL, fails the batch
    (as the staged statement does).
    """
    known = ids.get(link.parent, {})
    missing = list({gid for gid in gids if gid not in known})
    if missing:
        cursor.execute(f"SELECT shopify_gid, id FROM {link.parent} "  # noqa: S608 - our table name
                       "WHERE shop_id = %s AND shopify_gid = ANY(%s)", (shop_id, missing))
        known = {**known, **dict(cursor.fetchall())}
    return known


def copy_children(cursor: Any, table: str, columns: tuple[str, ...], link: Link, rows: Rows,
                  head: tuple[Any, Any], ids: Ids) -> None:
    """COPY new child rows straight into the table, each with its parent's id (decision 081).

    A stored row fails the COPY with a unique violation (the caller upserts).
    """
    known = parent_ids(cursor, link, head[0], ids, (gid for _, gid in rows))
    names = ", ".join(("shop_id", "synced_at", *columns, link.fk))
    # The sync time as text once: dumping the same datetime on every row cost 7 µs a row.
    shop, synced = head[0], head[1].isoformat()
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        put: Callable[[Any], None] = copy.write_row
        get = known.get
        for row, gid in rows:
            put((shop, synced, *row, get(gid)))  # type: ignore[arg-type]
