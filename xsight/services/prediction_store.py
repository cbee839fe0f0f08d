"""Replace a shop's customer_predictions rows with a run's rows (SQLite: rewriting the rows in place).

A recompute produces one row per customer, nearly always for the same customers as the run before. On
SQLite each customer's existing row is updated by its id: every column but the shop and the customer key
(so the (shop, customer key) index is left alone), and the customer id only where it changed. Customers
new since the last run get new rows; rows of customers no longer present (or duplicates of one key) are
deleted. The table ends up exactly as after a delete of the shop's rows and an insert of the new ones,
ids aside; PostgreSQL does exactly that delete and a COPY
(docs/decisions/034-recompute-in-place-writes-and-one-read.md).

The table has no foreign keys (decision 035): before the transaction commits, the writer checks once
that the run and its shop still exist (PostgreSQL: and holds them FOR KEY SHARE, as each row's
foreign-key check did), so a concurrent redaction either waits for the run or makes it fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xsight.errors import NotFound
from xsight.extensions import db
from xsight.services import raw_sql

TABLE = "customer_predictions"
BATCH = 10_000


def replace_rows(shop_id: int, columns: Sequence[str], values: dict[str, list[Any]]) -> None:
    """Make the shop's prediction rows equal to `values` (one list per column, one entry per customer key)."""
    if db.session.get_bind().dialect.name == "postgresql":
        _replace_postgres(shop_id, columns, values)
    else:
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
    existing = raw_sql.fetch_all(f"SELECT customer_key, id, customer_id FROM {TABLE} "  # noqa: S608
                                 f"WHERE shop_id = {int(shop_id)} ORDER BY id")
    found: dict[str, tuple[int, int | None]] = {}
    stale: list[int] = []
    for key, row_id, customer_id in existing:
        if key in found:
            stale.append(row_id)
        else:
            found[key] = (row_id, customer_id)
    old = [found.pop(key, None) for key in values["customer_key"]]
    stale.extend(row_id for row_id, _ in found.values())
    # Rows whose customer id stays leave it out of the SET: SQLite checks a foreign key on every row
    # whose SET names it, changed or not (~0.3 s of 200k rows).
    kept = [c for c in names if c != "customer_id"]
    row_ids = [o[0] if o else None for o in old]
    same = [o is not None and o[1] == c for o, c in zip(old, values["customer_id"], strict=True)]
    light = list(zip(*(values[n] for n in kept), row_ids, strict=True))
    _delete(sorted(stale))
    if all(same):
        _update_sqlite(kept, light)
    else:
        full = zip(*(values[n] for n in names), row_ids, strict=True)
        _update_sqlite(kept, [row for row, s in zip(light, same, strict=True) if s])
        _update_sqlite(names, [row for row, o, s in zip(full, old, same, strict=True) if o and not s])
    inserts = [row for row, o in zip(zip(*(values[c] for c in columns), strict=True), old, strict=True)
               if o is None]
    if inserts:
        raw_sql.insert_many(TABLE, columns, inserts)


def _replace_postgres(shop_id: int, columns: Sequence[str], values: dict[str, list[Any]]) -> None:
    """Delete the shop's rows and COPY the new ones: an UPDATE ... FROM a copied temporary table took
    longer on the server (a new version of every row, both indexes and one foreign-key check per row)."""
    cursor = _cursor()
    try:
        cursor.execute(f"DELETE FROM {TABLE} WHERE shop_id = {int(shop_id)}")  # noqa: S608
    finally:
        cursor.close()
    raw_sql.insert_many(TABLE, columns, list(zip(*(values[c] for c in columns), strict=True)))


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
