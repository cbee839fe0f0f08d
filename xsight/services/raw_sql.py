"""Bulk reads and inserts through the DB-API cursor, for the few hot paths that move 10^5-10^6 rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xsight.extensions import db

BATCH = 10_000


def _cursor(session: Any = None) -> Any:
    return (session or db.session).connection().connection.cursor()


def fetch_all(sql: str, session: Any = None) -> list[tuple[Any, ...]]:
    """Run a parameterless SELECT (callers inline only integers) and return plain tuples."""
    cursor = _cursor(session)
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def insert_many(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                session: Any = None) -> None:
    """Insert tuples of already-converted values (integers, floats, strings, dates, None).

    PostgreSQL gets one COPY (text format, types from the table); SQLite batched `executemany`.
    """
    session = session or db.session
    cursor = _cursor(session)
    try:
        if session.get_bind().dialect.name == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names are ours, values bound
               f"VALUES ({', '.join('?' * len(columns))})")
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start:start + BATCH])
    finally:
        cursor.close()
