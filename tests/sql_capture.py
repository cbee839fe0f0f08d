"""Record the SQL statements the database runs inside a block (plan tests read them back)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from xsight.extensions import db


@contextmanager
def statements(prefix: str = "SELECT") -> Iterator[list[tuple[str, Any]]]:
    """Record every statement starting with `prefix` (case-insensitive), with its parameters."""
    seen: list[tuple[str, Any]] = []
    wanted = prefix.upper()

    def record(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if sql.lstrip().upper().startswith(wanted):
            seen.append((sql, params))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
