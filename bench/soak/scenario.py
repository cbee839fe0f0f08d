"""The soak's moving parts around the layout: the store and its faults, deletions, kills, quiescing."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xsight.config import project_root
from xsight.devstore.server import StoreHandle, start_store

SHOPS = (("soak-a.myshopify.com", 21), ("soak-b.myshopify.com", 22))
FAULTS = {"throttle_pressure": 0.05, "throttle_429_share": 0.5, "error_rate": 0.03, "latency_ms": 20.0,
          "webhook_duplicate": 0.05, "webhook_reorder": 0.05}
OLD_ENOUGH_TO_DELETE_S = 60  # only orders cancelled this long ago: no refund webhook still in flight
POLL_S = 0.5


def open_store(folder: Path, key: str, secret: str, size: dict[str, int]) -> StoreHandle:
    """Start the simulated store with two shops, the fault knobs on and every delivery kept in its log."""
    return start_store(seed=SHOPS[0][1], shop=SHOPS[0][0], extra_shops=[SHOPS[1]], faults=FAULTS,
                       api_key=key, api_secret=secret, db_path=str(folder / "store.sqlite3"),
                       bulk_dir=str(folder / "bulk"), webhook_log_size=0, **size)


@dataclass
class Deleter:
    """Delete what merchants delete: old cancelled orders, customers without orders, new products."""

    store: StoreHandle
    rng: random.Random = field(default_factory=lambda: random.Random(9))
    counts: dict[str, int] = field(default_factory=lambda: {"order": 0, "customer": 0, "product": 0})

    def step(self) -> None:
        """Delete one of each kind in every shop (when there is one to delete)."""
        storage, mutate = self.store.services.storage, self.store.services.mutate
        cutoff = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - OLD_ENOUGH_TO_DELETE_S))
        where = {"order": ("orders", "cancelled=1 AND updated_at < ?", (cutoff,)),
                 "customer": ("customers", "json_extract(doc, '$.numberOfOrders') = 0", ()),
                 "product": ("products", "json_extract(doc, '$.title') LIKE '% Edition %'", ())}
        for shop, _ in SHOPS:
            for kind, (table, cond, args) in where.items():
                rows = storage.query(f"SELECT id FROM {table} WHERE shop=? AND {cond} "
                                     "ORDER BY id LIMIT 200", (shop, *args))
                if rows and mutate.delete(shop, kind, int(self.rng.choice(rows)[0])):
                    self.counts[kind] += 1


def queue_counts(redis_url: str, instance: Path) -> tuple[int, int]:
    """Return (pending, scheduled) task counts of the layout's queue."""
    from xsight.tasks.queue import build_queue

    queue = build_queue(redis_url, str(instance))
    return int(queue.pending_count()), int(queue.scheduled_count())


def empty_queue(redis_url: str, instance: Path) -> None:
    """Start from an empty queue (tasks left by an earlier run would belong to another database)."""
    from xsight.tasks.queue import build_queue

    build_queue(redis_url, str(instance)).flush()


def enqueue(env: dict[str, str], task: str) -> None:
    """Enqueue a periodic task by hand, as the consumers' scheduler would (`module:function`)."""
    module, name = task.split(":")
    code = f"from xsight.tasks import registry  # noqa\nfrom {module} import {name}\n{name}()\n"
    subprocess.run([sys.executable, "-c", code], cwd=project_root(), env=env, check=True,
                   capture_output=True, timeout=60)


def wait_for(condition: Callable[[], Any], timeout: float, what: str, alive: Callable[[], None]) -> float:
    """Poll `condition` until true; return the seconds waited, raise TimeoutError after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        alive()
        if condition():
            return round(time.monotonic() - started, 1)
        time.sleep(POLL_S)
    raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")
