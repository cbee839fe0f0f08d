"""Per-shop write serialisation for rollup maintenance, held until the transaction ends."""

from __future__ import annotations

import zlib
from typing import Any

from sqlalchemy import text

from xsight.errors import NotFound

NAMESPACE = zlib.crc32(b"xsight-shop-rollups")
INDEX_BUILDS = zlib.crc32(b"xsight-index-builds")


def shop_rollups(session: Any, shop_id: int) -> None:
    """Serialise rollup maintenance of one shop across processes.

    On PostgreSQL two consumers applying webhooks of the same shop would otherwise recompute the
    same day or customer at once and collide on the rollups' unique keys; a transaction-scoped
    advisory lock makes them take turns. SQLite already allows one writer at a time.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:space, :shop)"),
                        {"space": NAMESPACE - 2**31, "shop": int(shop_id)})


def index_builds(session: Any, table: str) -> None:
    """PostgreSQL: take turns building one table's indexes until the transaction ends.

    Two loads that both deferred a table's indexes (deferred_indexes) would otherwise create the
    same index at once, and the second fails on the catalog's unique name.
    """
    session.execute(text("SELECT pg_advisory_xact_lock(:space, :table)"),
                    {"space": INDEX_BUILDS - 2**31, "table": zlib.crc32(table.encode()) - 2**31})


def shop_rollups_sql(shop_id: int) -> str:
    """The PostgreSQL statement of `shop_rollups` (for a writer that batches it with others)."""
    return f"SELECT pg_advisory_xact_lock({NAMESPACE - 2**31}, {int(shop_id)})"


# SQLSTATEs that say "run the same transaction again": deadlock detected, serialization failure.
RETRY_SQLSTATES = frozenset({"40P01", "40001"})


def lost_race(exc: BaseException) -> bool:
    """Return True when a transaction failed only because it met another one (retry it)."""
    for candidate in (exc, getattr(exc, "orig", None)):
        if getattr(candidate, "sqlstate", None) in RETRY_SQLSTATES:
            return True
        # SQLite's busy timeout ran out: wrapped by SQLAlchemy, or raw from the driver-level writers.
        if candidate is not None and "database is locked" in str(candidate):
            return True
    return False


def claim_shop(session: Any, shop_id: int) -> None:
    """Fail unless the shop exists, and keep it until commit (decision 079).

    The bulk-loaded tables have no foreign key to shops (models.raw_links): this is the check their
    per-row constraint made, once per transaction. PostgreSQL: call it before writing the rows; it
    locks the row a delete of the shop must wait for (a delete in flight makes this wait, then find
    nothing; a later one waits for the commit and its trigger deletes the new rows). Claiming after
    the writes could deadlock with a delete whose trigger waits for a row this transaction locked.
    SQLite: call it after writing, when the transaction holds the write lock.
    """
    lock = " FOR KEY SHARE" if session.get_bind().dialect.name == "postgresql" else ""
    if session.execute(text(f"SELECT id FROM shops WHERE id = :shop{lock}"),  # noqa: S608
                       {"shop": int(shop_id)}).first() is None:
        raise shop_gone(shop_id)


def claim_shop_sql(shop_id: int) -> str:
    """PostgreSQL's statement of `claim_shop`, for a writer that batches it with others."""
    return f"SELECT id FROM shops WHERE id = {int(shop_id)} FOR KEY SHARE"  # noqa: S608


def shop_gone(shop_id: int) -> NotFound:
    """The error of a write for a shop deleted meanwhile (nothing of it is stored)."""
    return NotFound(f"Shop {shop_id} no longer exists (it was deleted during the write); "
                    "its rows were not stored.")
