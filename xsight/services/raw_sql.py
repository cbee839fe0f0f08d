"""Bulk reads and inserts through the DB-API cursor, for the few hot paths that move 10^5-10^6 rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xsight.extensions import db

BATCH = 10_000


def _cursor() -> Any:
    return db.session.connection().connection.cursor()


def fetch_all(sql: str) -> list[tuple[Any, ...]]:
    """Run a parameterless SELECT (callers inline only integers) and return plain tuples."""
    cursor = _cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def insert_many(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert tuples of already-converted values (integers, floats, strings, dates, None)."""
    marker = "?" if db.session.get_bind().dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names are ours, values bound
           f"VALUES ({', '.join([marker] * len(columns))})")
    cursor = _cursor()
    try:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start:start + BATCH])
    finally:
        cursor.close()
