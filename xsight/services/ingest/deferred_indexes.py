"""A first load into an empty table builds its secondary indexes once, after the rows.

Maintaining a B-tree entry per row for every secondary index cost a third of a 10^6-order
backfill into SQLite, and 13 of the 29 s the PostgreSQL server spent on one; building the same
indexes afterwards takes one sort each (decisions 080, 087). Only non-unique indexes are deferred
(the unique keys decide the upserts and find the parents), and only while the table has no row of
any shop, so no other shop's reads lose an index (nor the shop's own, at a second backfill). The
one statement that names a deferred index (SQLite's `INDEXED BY`, writer.link_orders_to_customers)
runs again without the hint when SQLite refuses it (decision 081). A load that stops (an error, or
a killed worker) leaves the indexes to the next load of that table, which finds them missing,
defers them again and builds them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, Table, text
from sqlalchemy.exc import OperationalError

from xsight.db_setup import BULK_WRITE
from xsight.models import Customer, Order, OrderLineItem
from xsight.services import locks

BUILD_CACHE_KB = 32 * 1024  # SQLite's page cache and sorter while building
# PostgreSQL: how long the drop may wait for its tables (a long read, a transaction left open);
# past it, or at a deadlock, the load keeps the indexes and maintains them row by row.
LOCK_WAIT_MS = 2000
KEEP_INDEXES = frozenset({"55P03", "40P01"})  # SQLSTATEs: lock_timeout, deadlock detected
# The tables a resource's load writes most rows of.
LOADED: dict[str, tuple[Table, ...]] = {"customers": (Customer.__table__,),
                                        "orders": (Order.__table__, OrderLineItem.__table__)}
_EXISTING = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table",
    "postgresql": "SELECT indexname FROM pg_indexes "
                  "WHERE schemaname = current_schema() AND tablename = :table",
}
_OTHER_SHOPS = "SELECT 1 FROM {table} WHERE shop_id <> :shop LIMIT 1"


def deferrable(table: Table) -> list[Index]:
    """The table's indexes a first load may build afterwards (the non-unique ones)."""
    return sorted((index for index in table.indexes if not index.unique), key=lambda index: str(index.name))


def defer(session: Any, resource: str, shop_id: int) -> list[Index]:
    """Drop the deferrable indexes of the resource's empty tables (or of one whose load stopped,
    some already missing); return every index `build` should make."""
    dialect = session.get_bind().dialect.name
    deferred: list[Index] = []
    drops: dict[str, tuple[set[str], bool]] = {}  # table -> (existing names, stopped load)
    for table in LOADED.get(resource, ()):
        indexes = deferrable(table)
        names = {str(index.name) for index in indexes}
        found = session.execute(text(_EXISTING[dialect]), {"table": table.name})
        existing = {row[0] for row in found} & names
        empty = session.execute(text(f"SELECT 1 FROM {table.name} LIMIT 1")).first() is None  # noqa: S608
        if indexes and (empty or existing != names):
            deferred.extend(indexes)
            if existing:
                drops[table.name] = (existing, existing != names)
    if dialect == "postgresql" and drops:
        _drop_postgres(session, shop_id, drops)
    else:
        for existing, _ in drops.values():
            for name in sorted(existing):
                session.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
    return deferred


def _drop_postgres(session: Any, shop_id: int, drops: dict[str, tuple[set[str], bool]]) -> None:
    """Lock the tables at once, check that no other shop's rows arrived meanwhile, drop; or keep them.

    The shop's webhooks may have stored a few rows since the check (the drop goes on: they are this
    shop's). The shop's write turn comes first (locks.shop_rollups), in the order every writer of
    the shop takes them. The exclusive lock waits at most LOCK_WAIT_MS; at a timeout or a deadlock (another
    load that read the same tables) the savepoint is undone and the indexes stay.
    """
    locks.shop_rollups(session, shop_id)
    try:
        with session.begin_nested():
            before = session.execute(text("SELECT current_setting('lock_timeout')")).scalar_one()
            session.execute(text("SELECT set_config('lock_timeout', :wait, true)"),
                            {"wait": f"{int(LOCK_WAIT_MS)}ms"})
            session.execute(text(f"LOCK TABLE {', '.join(sorted(drops))} IN ACCESS EXCLUSIVE MODE"))
            for table, (existing, stopped) in sorted(drops.items()):
                if stopped or session.execute(text(_OTHER_SHOPS.format(table=table)),
                                              {"shop": shop_id}).first() is None:
                    for name in sorted(existing):
                        session.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
            session.execute(text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": before})
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) not in KEEP_INDEXES:
            raise


def build(session: Any, indexes: list[Index]) -> None:
    """Create the indexes that are missing (one sort each), in the session's transaction.

    SQLite's sorter may use as much memory as the page cache: both stay at `BUILD_CACHE_KB`
    here (the bulk transaction's 128 MB twice over would pass the 400 MB budget at 10^6 orders).
    PostgreSQL sorts in its own processes; two loads' builds of a table take turns.
    """
    if not indexes:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        for name in sorted({str(index.table.name) for index in indexes if index.table is not None}):
            locks.index_builds(session, name)
    else:
        connection.connection.info[BULK_WRITE] = True  # the pool's checkin puts the cache size back
        connection.exec_driver_sql(f"PRAGMA cache_size = -{BUILD_CACHE_KB}")
    for index in indexes:
        index.create(connection, checkfirst=True)
