"""Keep the store's data in its own SQLite file, one connection per thread."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BUSY_TIMEOUT_MS = 15_000  # writers (activity, bulk, requests) wait this long for the lock

SCHEMA = """
CREATE TABLE IF NOT EXISTS shops (
    domain TEXT PRIMARY KEY, shop_no INTEGER NOT NULL UNIQUE, doc TEXT NOT NULL, params TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS products (
    id INTEGER PRIMARY KEY, shop TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS customers (
    id INTEGER PRIMARY KEY, shop TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY, shop TEXT NOT NULL, customer_id INTEGER, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, processed_at TEXT NOT NULL, total_cents INTEGER NOT NULL,
    refunded_cents INTEGER NOT NULL, cancelled INTEGER NOT NULL, test INTEGER NOT NULL,
    spend_cents INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS products_upd ON products (shop, updated_at, id);
CREATE INDEX IF NOT EXISTS products_crt ON products (shop, created_at, id);
CREATE INDEX IF NOT EXISTS customers_upd ON customers (shop, updated_at, id);
CREATE INDEX IF NOT EXISTS customers_crt ON customers (shop, created_at, id);
CREATE INDEX IF NOT EXISTS orders_upd ON orders (shop, updated_at, id);
CREATE INDEX IF NOT EXISTS orders_crt ON orders (shop, created_at, id);
CREATE INDEX IF NOT EXISTS orders_prc ON orders (shop, processed_at, id);
CREATE INDEX IF NOT EXISTS orders_cust ON orders (customer_id);
CREATE INDEX IF NOT EXISTS products_id ON products (shop, id);
CREATE INDEX IF NOT EXISTS customers_id ON customers (shop, id);
CREATE INDEX IF NOT EXISTS orders_id ON orders (shop, id);
CREATE TABLE IF NOT EXISTS sequences (shop TEXT NOT NULL, kind TEXT NOT NULL, value INTEGER NOT NULL,
    PRIMARY KEY (shop, kind));
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY, kind TEXT NOT NULL, shop TEXT NOT NULL, client_id TEXT NOT NULL,
    scope TEXT NOT NULL, expires_at REAL, revoked INTEGER NOT NULL DEFAULT 0, used INTEGER NOT NULL DEFAULT 0,
    parent TEXT, pair TEXT);
CREATE TABLE IF NOT EXISTS bulk_ops (
    id INTEGER PRIMARY KEY, shop TEXT NOT NULL, status TEXT NOT NULL, error_code TEXT, query TEXT NOT NULL,
    created_at TEXT NOT NULL, completed_at TEXT, object_count INTEGER NOT NULL DEFAULT 0,
    root_object_count INTEGER NOT NULL DEFAULT 0, file_size INTEGER, path TEXT, partial INTEGER DEFAULT 0);
"""


class Storage:
    """A SQLite file in WAL mode with one connection per thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self.conn().executescript(SCHEMA)

    def conn(self) -> sqlite3.Connection:
        """Return this thread's connection, opening it on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, isolation_level=None
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one immediate (write-locked) transaction."""
        conn = self.conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[sqlite3.Row]:
        """Run a read query and return all rows."""
        cur = self.conn().execute(sql, params)
        return cur.fetchall()

    def next_seq(self, conn: sqlite3.Connection, shop: str, kind: str, count: int = 1) -> int:
        """Reserve `count` sequence numbers for a kind of object; return the first one."""
        row = conn.execute("SELECT value FROM sequences WHERE shop=? AND kind=?", (shop, kind)).fetchone()
        start = row[0] if row else 0
        conn.execute(
            "INSERT INTO sequences (shop, kind, value) VALUES (?,?,?) "
            "ON CONFLICT (shop, kind) DO UPDATE SET value=excluded.value",
            (shop, kind, start + count),
        )
        return int(start)

    def shop_row(self, domain: str) -> tuple[int, dict[str, Any], dict[str, Any]] | None:
        """Return (shop_no, shop doc, generator params) for a shop domain, or None."""
        rows = self.query("SELECT shop_no, doc, params FROM shops WHERE domain=?", (domain,))
        if not rows:
            return None
        return int(rows[0][0]), json.loads(rows[0][1]), json.loads(rows[0][2])

    def shop_domains(self) -> list[str]:
        """Return every shop domain held in this store."""
        return [r[0] for r in self.query("SELECT domain FROM shops ORDER BY shop_no")]

    def release(self) -> None:
        """Close this thread's connection (request threads are short-lived)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._lock:
            if conn in self._all:
                self._all.remove(conn)
        conn.close()

    def close(self) -> None:
        """Close every connection opened by any thread."""
        with self._lock:
            for conn in self._all:
                with contextlib.suppress(sqlite3.ProgrammingError):  # closed from another thread already
                    conn.close()
            self._all.clear()
        self._local = threading.local()
