"""Replace a shop's customer_predictions rows with a run's rows (SQLite: rewriting the rows in place).

A recompute produces one row per customer, nearly always for the same customers as the run before. On
SQLite each customer's existing row is updated by its id: every column but the shop and the customer key
(so the (shop, customer key) index is left alone). Customers new since the last run get new rows; rows of
customers no longer present (or duplicates of one key) are deleted. The table ends up exactly as after a
delete of the shop's rows and an insert of the new ones, ids aside; PostgreSQL does exactly that delete
and a COPY (docs/decisions/034-recompute-in-place-writes-and-one-read.md).

The table has no foreign keys (decision 035): before the transaction commits, the writer checks once
that the run and its shop still exist (PostgreSQL: and holds them FOR KEY SHARE, as each row's
foreign-key check did), so a concurrent redaction either waits for the run or makes it fail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from psycopg.copy import QueuedLibpqWriter

from xsight.errors import NotFound
from xsight.extensions import db
from xsight.services import raw_sql

TABLE = "customer_predictions"
BATCH = 10_000


def replace_rows(shop_id: int, columns: Sequence[str], values: dict[str, list[Any]],
                 meanwhile: Callable[[], None] = lambda: None) -> None:
    """Make the shop's prediction rows equal to `values` (one list per column, one entry per customer key).

    `meanwhile` is work that does not use the database: PostgreSQL runs it while the server inserts the
    COPY's rows (the same connection and transaction; the COPY ends after it), SQLite first.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        _replace_postgres(shop_id, columns, values, meanwhile)
    else:
        meanwhile()
        _replace_sqlite(shop_id, columns, values)
    _claim(shop_id, set(values["model_run_id"]))


def _claim(shop_id: int, run_ids: set[int]) -> None:
    """Fail unless the runs the rows name, and their shop, exist; keep them until commit.

    Runs after the writes, inside their transaction: SQLite then holds the write lock (no delete can come
    between the check and the commit); PostgreSQL locks the rows a delete of the shop or run must wait for
    (a delete already in flight makes this wait, then find nothing).
    """
    lock = " FOR KEY SHARE" if db.session.get_bind().dialect.name == "postgresql" else ""
    for run_id in sorted(run_ids):
        found = raw_sql.fetch_all("SELECT r.id FROM model_runs r JOIN shops s ON s.id = r.shop_id "  # noqa: S608
                                  f"WHERE r.id = {int(run_id)} AND r.shop_id = {int(shop_id)}{lock}")
        if not found:
            raise NotFound(f"Model run {run_id} of shop {shop_id} no longer exists (the shop or the run was "
                           "deleted during the recompute); its predictions were not stored.")


def _replace_sqlite(shop_id: int, columns: Sequence[str], values: dict[str, list[Any]]) -> None:
    names = [c for c in columns if c not in ("shop_id", "customer_key")]
    existing = raw_sql.fetch_all(f"SELECT customer_key, id FROM {TABLE} "  # noqa: S608
                                 f"WHERE shop_id = {int(shop_id)} ORDER BY id DESC")
    found = dict(existing)  # descending ids: each key keeps its oldest row
    stale = [] if len(found) == len(existing) else list({i for _, i in existing} - set(found.values()))
    row_ids = [found.pop(key, None) for key in values["customer_key"]]
    stale.extend(found.values())
    _delete(sorted(stale))
    updates = list(zip(*(values[n] for n in names), row_ids, strict=True))
    new = None in row_ids
    _update_sqlite(names, [row for row in updates if row[-1] is not None] if new else updates)
    if new:
        rows = zip(*(values[c] for c in columns), strict=True)
        raw_sql.insert_many(TABLE, columns, [row for row, i in zip(rows, row_ids, strict=True) if i is None])


def _replace_postgres(shop_id: int, columns: Sequence[str], values: dict[str, list[Any]],
                      meanwhile: Callable[[], None]) -> None:
    """Delete the shop's rows and COPY the new ones: an UPDATE ... FROM a copied temporary table took
    longer on the server (a new version of every row, both indexes and one foreign-key check per row).

    The COPY's data goes through a queue that a psycopg thread writes to the connection, so once every row
    is queued `meanwhile` runs while the server is still inserting them; only then does the COPY end (an
    error in `meanwhile` aborts it, and the transaction with it). No other statement uses the connection
    while the COPY is open (decision 035).
    """
    cursor = _cursor()
    try:
        cursor.execute(f"DELETE FROM {TABLE} WHERE shop_id = {int(shop_id)}")  # noqa: S608
        with cursor.copy(f"COPY {TABLE} ({', '.join(columns)}) FROM STDIN",
                         writer=QueuedLibpqWriter(cursor)) as copy:
            for row in zip(*(values[c] for c in columns), strict=True):
                copy.write_row(row)
            meanwhile()
    finally:
        cursor.close()


def _cursor() -> Any:
    return db.session.connection().connection.cursor()


def _delete(ids: list[int]) -> None:
    cursor = _cursor()
    try:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            cursor.execute(f"DELETE FROM {TABLE} WHERE id IN ({', '.join(str(int(i)) for i in chunk)})")  # noqa: S608
    finally:
        cursor.close()


def _update_sqlite(names: list[str], updates: list[tuple[Any, ...]]) -> None:
    """One prepared UPDATE by rowid per row: the row is rewritten where it is, no index entry moves but
    those of the columns that changed."""
    sql = f"UPDATE {TABLE} SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?"  # noqa: S608
    cursor = _cursor()
    try:
        for start in range(0, len(updates), BATCH):
            cursor.executemany(sql, updates[start:start + BATCH])
    finally:
        cursor.close()
