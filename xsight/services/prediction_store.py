"""Replace a shop's customer_predictions rows with a run's rows (SQLite: rewriting the rows in place).

A recompute produces one row per customer, nearly always for the same customers as the run before. On
SQLite each customer's existing row is updated by its id (every column but the shop and the customer key,
so the (shop, customer key) index is left alone), customers new since the last run get new rows and rows of
customers no longer present (or duplicates of one key) are deleted. The table ends up exactly as after a
delete of the shop's rows and an insert of the new ones, ids aside; PostgreSQL does exactly that delete and a
COPY (docs/decisions/034-prediction-writes.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xsight.extensions import db
from xsight.services import raw_sql

TABLE = "customer_predictions"
BATCH = 10_000


def replace_rows(shop_id: int, columns: Sequence[str], values: dict[str, list[Any]]) -> None:
    """Make the shop's prediction rows equal to `values` (one list per column, one entry per customer key)."""
    if db.session.get_bind().dialect.name == "postgresql":
        _replace_postgres(shop_id, columns, values)
        return
    names = [c for c in columns if c not in ("shop_id", "customer_key")]
    existing = raw_sql.fetch_all(f"SELECT customer_key, id FROM {TABLE} "  # noqa: S608 - integers only
                                 f"WHERE shop_id = {int(shop_id)} ORDER BY id")
    ids: dict[str, int] = {}
    stale: list[int] = []
    for key, row_id in existing:
        if key in ids:
            stale.append(row_id)
        else:
            ids[key] = row_id
    row_ids = [ids.pop(key, None) for key in values["customer_key"]]
    stale.extend(ids.values())
    updates = list(zip(*(values[n] for n in names), row_ids, strict=True))
    inserts: list[tuple[Any, ...]] = []
    if None in row_ids:
        updates = [row for row in updates if row[-1] is not None]
        inserts = [row for row, row_id in zip(zip(*(values[c] for c in columns), strict=True), row_ids,
                                              strict=True) if row_id is None]
    _delete(sorted(stale))
    _update_sqlite(names, updates)
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
