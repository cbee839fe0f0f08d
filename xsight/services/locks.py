"""Per-shop write serialisation for rollup maintenance, held until the transaction ends."""

from __future__ import annotations

import zlib
from typing import Any

from sqlalchemy import text

NAMESPACE = zlib.crc32(b"xsight-shop-rollups")


def shop_rollups(session: Any, shop_id: int) -> None:
    """Serialise rollup maintenance of one shop across processes.

    On PostgreSQL two consumers applying webhooks of the same shop would otherwise recompute the
    same day or customer at once and collide on the rollups' unique keys; a transaction-scoped
    advisory lock makes them take turns. SQLite already allows one writer at a time.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:space, :shop)"),
                        {"space": NAMESPACE - 2**31, "shop": int(shop_id)})


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

