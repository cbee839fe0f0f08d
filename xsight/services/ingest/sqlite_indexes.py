"""SQLite: a first load into an empty table builds its secondary indexes once, after the rows.

Maintaining a B-tree entry per row for every secondary index cost a third of a 10^6-order
backfill into SQLite; building the same indexes afterwards with one sort each took 6 s in all
(decision 080). Only non-unique indexes are deferred (the unique keys decide the upserts), and
only while the table has no row of any shop, so no other shop's reads lose an index. The one
statement that names a deferred index (`INDEXED BY`, writer.link_orders_to_customers) runs again
without the hint when SQLite refuses it (decision 081). A load that stops (an error, or a killed
worker) leaves the indexes to the next load of that table, which finds them missing, defers them
again and builds them at its end.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, Table, text

from xsight.db_setup import BULK_WRITE
from xsight.models import Customer, Order, OrderLineItem

BUILD_CACHE_KB = 32 * 1024
# The tables a resource's load writes most rows of.
LOADED: dict[str, tuple[Table, ...]] = {"customers": (Customer.__table__,),
                                        "orders": (Order.__table__, OrderLineItem.__table__)}


def deferrable(table: Table) -> list[Index]:
    """The table's indexes a first load may build afterwards (the non-unique ones)."""
    return sorted((index for index in table.indexes if not index.unique), key=lambda index: str(index.name))


def defer(session: Any, resource: str) -> list[Index]:
    """Drop the deferrable indexes of the resource's empty tables (or of one whose load stopped)."""
    deferred: list[Index] = []
    for table in LOADED.get(resource, ()):
        indexes = deferrable(table)
        names = {str(index.name) for index in indexes}
        existing = {row[0] for row in session.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table"),
            {"table": table.name})} & names
        empty = session.execute(text(f"SELECT 1 FROM {table.name} LIMIT 1")).first() is None  # noqa: S608
        if indexes and (empty or existing != names):
            for name in sorted(existing):
                session.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
            deferred.extend(indexes)
    return deferred


def build(session: Any, indexes: list[Index]) -> None:
    """Create the indexes that are missing (one sort each), in the session's transaction.

    SQLite's sorter may use as much memory as the page cache: both stay at `BUILD_CACHE_KB`
    here (the bulk transaction's 128 MB twice over would pass the 400 MB budget at 10^6 orders).
    """
    if not indexes:
        return
    connection = session.connection()
    connection.connection.info[BULK_WRITE] = True  # the pool's checkin puts the cache size back
    connection.exec_driver_sql(f"PRAGMA cache_size = -{BUILD_CACHE_KB}")
    for index in indexes:
        index.create(connection, checkfirst=True)
