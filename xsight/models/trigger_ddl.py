"""Create and drop the triggers that stand in for foreign keys' ON DELETE actions (decisions 035, 079)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def create(connection: Any, sqlite_ddl: Iterable[str], postgres_ddl: Iterable[str]) -> None:
    """Run this backend's (idempotent) trigger statements; other backends get none."""
    dialect = connection.dialect.name
    for statement in sqlite_ddl if dialect == "sqlite" else postgres_ddl if dialect == "postgresql" else ():
        connection.exec_driver_sql(statement)


def drop(connection: Any, triggers: Iterable[tuple[str, str]]) -> None:
    """Drop each (trigger, table) pair and, on PostgreSQL, the trigger's function of the same name."""
    dialect = connection.dialect.name
    for name, table in triggers:
        if dialect == "sqlite":
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        elif dialect == "postgresql":
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")
