"""Engine options per backend: SQLite in WAL mode with foreign keys enforced."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

# Wait this long for a SQLite write lock before failing (the web process and the
# embedded worker write to the same file).
SQLITE_BUSY_TIMEOUT_MS = 15_000
# Set in a pooled connection's info by a writer that turned SQLite's foreign-key checks off for
# its own transaction (xsight.services.ingest.bulk_load); they are back on before reuse.
FOREIGN_KEYS_OFF = "xsight_foreign_keys_off"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Turn on WAL, foreign keys and a busy timeout for every SQLite connection."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


@event.listens_for(Pool, "checkin")
def _foreign_keys_back_on(dbapi_connection: Any, connection_record: Any) -> None:
    """Turn foreign-key checks back on when a connection that had them off returns to the pool."""
    if connection_record.info.pop(FOREIGN_KEYS_OFF, False) and dbapi_connection is not None:
        dbapi_connection.execute("PRAGMA foreign_keys=ON")  # the pool reset ended its transaction


def engine_options(uri: str) -> dict[str, Any]:
    """Return SQLAlchemy engine options suited to the database in `uri`."""
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
