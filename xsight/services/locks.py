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
