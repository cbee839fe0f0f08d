"""A first load into an empty table builds its secondary indexes once, after the rows.

Maintaining a B-tree entry per row for every secondary index cost a third of a 10^6-order
backfill into SQLite, and 13 of the 29 s the PostgreSQL server spent on one; building the same
indexes afterwards takes one sort each (decisions 080, 087). Only non-unique indexes are deferred
(the unique keys decide the upserts and find the parents), and only while the table has no row of
any shop, so no other shop's reads lose an index. The one statement that names a deferred index
(SQLite's `INDEXED BY`, writer.link_orders_to_customers) runs again without the hint when SQLite
refuses it (decision 081). A load that stops (an error, or a killed worker) leaves the indexes to
the next load of that table, which finds them missing, defers them again and builds them at its end.
"""

from __future__ import annotations

import zlib
from typing import Any

from sqlalchemy import Index, Table, text
from sqlalchemy.exc import OperationalError

from xsight.db_setup import BULK_WRITE
from xsight.models import Customer, Order, OrderLineItem
from xsight.services import locks

BUILD_CACHE_KB = 32 * 1024  # SQLite's page cache and sorter while building
# PostgreSQL: how long the drop may wait for the table (a long read, a transaction left open);
# past it the load keeps the indexes and maintains them row by row instead of queueing every reader.
LOCK_WAIT_MS = 2000
LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE of a lock_timeout
# PostgreSQL: two loads' builds of one table take turns (the same index created twice at once
# fails on the catalog's unique name); a transaction-scoped advisory lock per table.
BUILD_SPACE = zlib.crc32(b"xsight-index-builds") - 2**31
# The tables a resource's load writes most rows of.
LOADED: dict[str, tuple[Table, ...]] = {"customers": (Customer.__table__,),
                                        "orders": (Order.__table__, OrderLineItem.__table__)}
_EXISTING = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table",
    "postgresql": "SELECT indexname FROM pg_indexes "
                  "WHERE schemaname = current_schema() AND tablename = :table",
}


def deferrable(table: Table) -> list[Index]:
    """The table's indexes a first load may build afterwards (the non-unique ones)."""
    return sorted((index for index in table.indexes if not index.unique), key=lambda index: str(index.name))


def defer(session: Any, resource: str, shop_id: int) -> list[Index]:
    """Drop the deferrable indexes of the resource's empty tables (or of one whose load stopped).

    On PostgreSQL the drop locks the table until the transaction ends: the shop's write turn is
    taken first (locks.shop_rollups), in the order every writer of the shop takes them, so a
    webhook holding that turn and waiting for the table cannot deadlock with this load; a table
    busy for longer than LOCK_WAIT_MS keeps its indexes (missing ones are still built at the end).
    """
    dialect = session.get_bind().dialect.name
    deferred: list[Index] = []
    for table in LOADED.get(resource, ()):
        indexes = deferrable(table)
        names = {str(index.name) for index in indexes}
        found = session.execute(text(_EXISTING[dialect]), {"table": table.name})
        existing = {row[0] for row in found} & names
        empty = session.execute(text(f"SELECT 1 FROM {table.name} LIMIT 1")).first() is None  # noqa: S608
        if indexes and (empty or existing != names):
            if existing and dialect == "postgresql":
                locks.shop_rollups(session, shop_id)
                _drop_waiting_briefly(session, sorted(existing))
            else:
                for name in sorted(existing):
                    session.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
            deferred.extend(indexes)
    return deferred


def _drop_waiting_briefly(session: Any, names: list[str]) -> None:
    """PostgreSQL: drop the indexes in a savepoint that gives up after LOCK_WAIT_MS (they stay)."""
    try:
        with session.begin_nested():
            session.execute(text(f"SET LOCAL lock_timeout = {int(LOCK_WAIT_MS)}"))
            for name in names:
                session.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
            session.execute(text("SET LOCAL lock_timeout = DEFAULT"))
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise


def build(session: Any, indexes: list[Index]) -> None:
    """Create the indexes that are missing (one sort each), in the session's transaction.

    SQLite's sorter may use as much memory as the page cache: both stay at `BUILD_CACHE_KB`
    here (the bulk transaction's 128 MB twice over would pass the 400 MB budget at 10^6 orders).
    PostgreSQL sorts in its own processes (maintenance_work_mem, parallel workers).
    """
    if not indexes:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        for name in sorted({str(index.table.name) for index in indexes if index.table is not None}):
            connection.execute(text("SELECT pg_advisory_xact_lock(:space, :table)"),
                               {"space": BUILD_SPACE, "table": zlib.crc32(name.encode()) - 2**31})
    else:
        connection.connection.info[BULK_WRITE] = True  # the pool's checkin puts the cache size back
        connection.exec_driver_sql(f"PRAGMA cache_size = -{BUILD_CACHE_KB}")
    for index in indexes:
        index.create(connection, checkfirst=True)
