"""Engine options per backend: SQLite in WAL mode with foreign keys enforced; PostgreSQL pool pings."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool

# Wait this long for a SQLite write lock before failing (the web process and the
# embedded worker write to the same file).
SQLITE_BUSY_TIMEOUT_MS = 15_000
# Set in a pooled connection's info by the bulk loader (xsight.services.ingest.bulk_load), which
# changes the settings below for its own transaction; they are put back before the connection's reuse.
BULK_WRITE = "xsight_bulk_write"
# The bulk loader's page cache: a transaction of 50,000 lines dirties index pages all over 10^6-row
# B-trees, and with the default 2 MB cache they spill to the WAL, and are read back, many times
# over (decision 078). Freed when the connection returns to the pool.
SQLITE_BULK_CACHE_KB = 131_072
SQLITE_DEFAULT_CACHE = -2000  # SQLite's own default: 2,000 KiB
# Read the database file through a memory map of up to this many bytes instead of read() calls into
# a 2 MB page cache: a scan of 200k customer rows spent 40% of its CPU time copying pages.
SQLITE_MMAP_BYTES = 512 * 1024 * 1024
# The page size of a new database file (an existing file keeps its own): at 10^6 orders a bulk load
# into 16 KiB pages built its indexes in 4.8 instead of 6.5-7.9 s and committed in 1.7 instead of
# 2.8 s (fewer, fuller pages to split, write and checkpoint), decision 083.
SQLITE_PAGE_SIZE = 16_384


def _null(value: None) -> None:
    return None


# sqlite3 binds exact ints, floats and strs directly but sends every other value through its
# adapter lookup, which for None fails twice (two attribute lookups that raise) before it binds
# NULL: about 0.4 µs per None, and a 1M-order backfill binds some 15M of them. An identity adapter
# makes the lookup hit (0.24 µs saved per None); what is stored is NULL as before.
sqlite3.register_adapter(type(None), _null)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Turn on WAL, foreign keys, a busy timeout and memory-mapped reads for every SQLite connection
    (and 16 KiB pages for a new file)."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")  # no effect once the file has pages
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


def sqlite_bulk_write(dbapi_connection: Any, info: dict[Any, Any]) -> None:
    """Set a SQLite connection up for one bulk-load transaction (call before it begins).

    Foreign-key checks off (they cost about half of the orders upsert and cannot fail there,
    decision 005); a 128 MB page cache and no memory map (decision 078): the map would make the
    pages of a 10^6-order database file part of this process's resident memory.
    """
    info[BULK_WRITE] = True  # first: whatever of the below took effect is undone at checkin
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")
    dbapi_connection.execute(f"PRAGMA cache_size=-{SQLITE_BULK_CACHE_KB}")
    dbapi_connection.execute("PRAGMA mmap_size=0")


@contextmanager
def sqlite_page_cache(session: Any, cache_kb: int, *, mmap: bool = True) -> Iterator[None]:
    """Give the session's SQLite connection a `cache_kb` page cache for the block (one transaction).

    With `mmap=False` the block also reads without the memory map, whose pages of a 10^6-order
    file would count in this process's RSS (decision 078). Both are put back afterwards; on other
    backends this does nothing.
    """
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    cache = session.execute(text("PRAGMA cache_size")).scalar()
    session.execute(text(f"PRAGMA cache_size = -{cache_kb}"))
    if not mmap:
        session.execute(text("PRAGMA mmap_size = 0"))
    try:
        yield
    finally:
        session.execute(text(f"PRAGMA cache_size = {int(cache or SQLITE_DEFAULT_CACHE)}"))
        if not mmap:
            session.execute(text(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}"))


@event.listens_for(Pool, "checkin")
def _bulk_write_undone(dbapi_connection: Any, connection_record: Any) -> None:
    """Put a bulk-load connection's settings back when it returns to the pool (its cache is freed)."""
    if connection_record.info.pop(BULK_WRITE, False) and dbapi_connection is not None:
        dbapi_connection.execute("PRAGMA foreign_keys=ON")  # the pool reset ended its transaction
        dbapi_connection.execute(f"PRAGMA cache_size={SQLITE_DEFAULT_CACHE}")
        dbapi_connection.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")


# A pooled PostgreSQL connection idle for longer than this is pinged before use (a server restart or
# an idle timeout may have closed it). One used more recently is not: at 1,000 webhooks/s a ping on
# every checkout was a third of the intake's round trips. A connection that died within this window
# fails one request, and SQLAlchemy then replaces the whole pool (decision 055).
PING_AFTER_IDLE_S = 1.0
_IDLE_SINCE = "xsight_idle_since"


def install_idle_ping(engine: Engine) -> None:
    """Ping a PostgreSQL connection before use only when it sat idle in the pool (see above)."""
    if engine.dialect.name != "postgresql":
        return
    dialect = engine.dialect

    def note_idle(dbapi_connection: Any, connection_record: Any) -> None:
        if connection_record is not None:
            connection_record.info[_IDLE_SINCE] = time.monotonic()

    def ping_if_idle(dbapi_connection: Any, connection_record: Any, connection_proxy: Any) -> None:
        idle_since = connection_record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return  # just opened, or used a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any failure: the pool opens a new connection instead
            raise DisconnectionError(f"pooled connection failed its ping: {type(exc).__name__}") from exc

    event.listen(engine, "checkin", note_idle)
    event.listen(engine, "checkout", ping_if_idle)


def engine_options(uri: str) -> dict[str, Any]:
    """Return SQLAlchemy engine options suited to the database in `uri`."""
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    return {"pool_size": 10, "max_overflow": 20}
