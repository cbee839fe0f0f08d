"""Record a verified delivery at the driver level: the webhook hot path, no ORM or statement compile.

At 1,000 deliveries/s SQLAlchemy's statement building and cache-key work cost more than the insert
itself, so the hot path is plain SQL on a pooled DB-API connection. On PostgreSQL the shop lookup and
the insert are one statement run as its own transaction: one round trip instead of four (BEGIN,
SELECT, INSERT, COMMIT), and the row is committed when the statement returns. SQLite is in-process,
so it keeps two plain statements and a commit.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime
from typing import Any, NamedTuple

from xsight.db_setup import SQLITE_BUSY_TIMEOUT_MS
from xsight.extensions import db
from xsight.models import WebhookDelivery
from xsight.models.types import utcnow
from xsight.services import locks

COLUMNS = ("shop_id", "webhook_id", "event_id", "topic", "api_version", "triggered_at", "received_at",
           "status", "payload", "error")
_LOOKUP = "SELECT id FROM shops WHERE domain = ?"
_INSERT = (f"INSERT INTO webhook_deliveries ({', '.join(COLUMNS)}) "  # noqa: S608 - our names
           f"VALUES ({', '.join('?' * len(COLUMNS))}) "
           "ON CONFLICT (shop_id, webhook_id) DO NOTHING RETURNING id")
_processors: dict[str, Any] = {}
# At most this many deliveries of one process hold a database connection at once (decision 058).
# More in flight only made the pool open overflow connections and close them again on return: under
# load one new PostgreSQL backend per ~6 deliveries, each a fork and a login, which took most of the
# server's CPU. The rest wait here for a few hundred microseconds (gevent-patched under gunicorn).
RECORD_CONCURRENCY = 8
_slots = threading.BoundedSemaphore(RECORD_CONCURRENCY)
# SQLite has one write lock per database. A request that cannot take it this fast (a long write such as
# a 1M-order rollup rebuild holds it for minutes) gives up and the delivery is spooled (decision 059).
SQLITE_RECORD_WAIT_MS = 1000
# One row (shop id, new delivery id or NULL when the webhook id was seen) or none for an unknown shop.
# The casts type the parameters, which a SELECT list would otherwise read as text.
_RECORD_PG = (
    "WITH shop AS (SELECT id FROM shops WHERE domain = %s), "  # noqa: S608 - our column names
    f"added AS (INSERT INTO webhook_deliveries ({', '.join(COLUMNS)}) "
    "SELECT shop.id, %s::varchar, %s::varchar, %s::varchar, %s::varchar, %s::timestamptz, "
    "%s::timestamptz, %s::varchar, %s::text, %s::text FROM shop "
    "ON CONFLICT (shop_id, webhook_id) DO NOTHING RETURNING id) "
    "SELECT shop.id, (SELECT id FROM added) FROM shop")


class DatabaseBusy(Exception):
    """SQLite's write lock stayed taken longer than the request may wait; the shop exists."""

    def __init__(self, shop_id: int) -> None:
        super().__init__(f"the database is busy (shop {shop_id})")
        self.shop_id = shop_id


class Recorded(NamedTuple):
    """The shop's id (None: unknown shop) and the new delivery's id (None: seen before)."""

    shop_id: int | None
    delivery_id: int | None


def record(shop_domain: str, webhook_id: str, topic: str, body: str, status: str, error: str | None,
           event_id: str | None, api_version: str | None, triggered_at: datetime | None,
           wait: bool = False) -> Recorded:
    """Insert the delivery for the shop with this domain and commit it; report what happened.

    On SQLite, without `wait`, raise DatabaseBusy when the write lock is not free within
    SQLITE_RECORD_WAIT_MS (a known shop only: the lookup is a read, which WAL never blocks).
    """
    # A pooled connection of its own, outside the ORM session: no session transaction to set up
    # and tear down around one statement (about a tenth of the intake's CPU).
    dialect = db.engine.dialect
    stamp = _stamp(dialect)
    values = (webhook_id, event_id, topic, api_version, stamp(triggered_at), stamp(utcnow()), status,
              body, error)
    with _slots:
        connection = db.engine.raw_connection()
        try:
            if dialect.name == "postgresql":
                return _record_pg(connection.dbapi_connection, (shop_domain, *values))
            cursor = connection.cursor()
            cursor.execute(_LOOKUP, (shop_domain,))
            shop = cursor.fetchone()
            if shop is None:
                return Recorded(None, None)
            row = _insert_sqlite(cursor, (shop[0], *values), SQLITE_BUSY_TIMEOUT_MS if wait
                                 else SQLITE_RECORD_WAIT_MS)
            cursor.close()
            connection.commit()
            return Recorded(int(shop[0]), int(row[0]) if row else None)
        finally:
            connection.close()  # back to the pool, which rolls back anything left open


def _insert_sqlite(cursor: Any, values: tuple[Any, ...], wait_ms: int) -> Any:
    """Insert with a busy timeout of `wait_ms`; a lock still taken after it raises DatabaseBusy."""
    cursor.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
    try:
        cursor.execute(_INSERT, values)
        return cursor.fetchone()
    except sqlite3.OperationalError as exc:
        if locks.lost_race(exc):  # the busy timeout ran out
            raise DatabaseBusy(int(values[0])) from None
        raise
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")


def _stamp(dialect: Any) -> Any:
    """Return the timestamp column's bind processor for the dialect, built once."""
    stamp = _processors.get(dialect.name)
    if stamp is None:
        stamp = _processors[dialect.name] = WebhookDelivery.__table__.c.received_at.type.bind_processor(
            dialect)
    return stamp


def _record_pg(dbapi: Any, values: tuple[Any, ...]) -> Recorded:
    """Run the record statement as its own transaction: committed when it returns."""
    dbapi.autocommit = True  # fresh from the pool, so idle: no BEGIN or COMMIT round trip
    try:
        with dbapi.cursor() as cursor:
            cursor.execute(_RECORD_PG, values)
            row = cursor.fetchone()
    finally:
        if not dbapi.closed:
            dbapi.autocommit = False
    if row is None:
        return Recorded(None, None)
    return Recorded(int(row[0]), int(row[1]) if row[1] is not None else None)
