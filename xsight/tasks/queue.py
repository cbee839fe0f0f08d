"""The one Huey instance; this module imports no tasks."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey
from huey.storage import SqliteStorage

from xsight.config import project_root

QUEUE_NAME = "xsight"


class DurableEnoughSqliteStorage(SqliteStorage):
    """SQLite queue in WAL mode with synchronous=NORMAL: safe across app crashes, no fsync per task.

    Huey's default leaves SQLite at synchronous=FULL, an fsync on every enqueue (about 5 ms here),
    which capped webhook intake at ~100 deliveries per second in embedded mode.
    """

    def _create_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = super()._create_connection()
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn


def build_queue(redis_url: str = "", instance_path: str = "") -> Huey:
    """Return RedisHuey when Redis is configured, else SqliteHuey in the instance folder."""
    if redis_url:
        return RedisHuey(QUEUE_NAME, url=redis_url)
    folder = Path(instance_path or project_root() / "instance")
    folder.mkdir(parents=True, exist_ok=True)
    return Huey(QUEUE_NAME, storage_class=DurableEnoughSqliteStorage,
                filename=str(folder / "huey.sqlite3"))


huey = build_queue(os.environ.get("REDIS_URL", ""), os.environ.get("INSTANCE_PATH", ""))


_probe: list[Any] = []


def probe_storage() -> Any:
    """Return the configured queue storage, even when tests run tasks immediately in memory."""
    if not _probe:
        _probe.append(huey.get_storage(**huey.storage_kwargs))
    return _probe[0]


def queue_reachable() -> str | None:
    """Return None when the configured queue storage answers, else the reason it does not."""
    try:
        probe_storage().queue_size()
    except Exception as exc:  # any storage failure means "not ready"
        return f"queue storage unreachable: {type(exc).__name__}"
    return None
