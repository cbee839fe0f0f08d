"""Huey hooks: time-ordered task ids, a log scope per task, task metrics and one line per run."""

from __future__ import annotations

import logging
import os
import time
import uuid
from datetime import UTC
from typing import Any

from huey import Huey, signals
from huey.api import Task

from xsight.ops import context, metrics

log = logging.getLogger("xsight.tasks")

_installed: set[int] = set()


def time_ordered_id(now_ms: int | None = None) -> str:
    """Return a UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then randomness."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    value = (ms & ((1 << 48) - 1)) << 80 | int.from_bytes(os.urandom(10), "big") & ((1 << 80) - 1)
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    return str(uuid.UUID(int=value))


def enqueued_at(task_id: str) -> float | None:
    """Return when a task with a time-ordered id was enqueued (Unix seconds), else None."""
    try:
        value = uuid.UUID(task_id)
    except ValueError:
        return None
    return (value.int >> 80) / 1000.0 if value.version == 7 else None


def queue_lag_seconds(task: Task, now: float | None = None) -> float | None:
    """Return how long a task has waited since it was enqueued (or became due, when scheduled)."""
    since = enqueued_at(task.id)
    if since is None:
        return None
    if task.eta is not None:
        eta = task.eta if task.eta.tzinfo else task.eta.replace(tzinfo=UTC)
        since = max(since, eta.timestamp())
    return max(0.0, (time.time() if now is None else now) - since)


def _on_enqueued(signal: str, task: Task, *args: Any) -> None:
    # A retry keeps its id (and its first enqueue time). Position 14 of a canonical UUID string is
    # its version digit: cheaper than parsing, on the path of every webhook.
    if not (len(task.id) == 36 and task.id[14] == "7"):
        task.id = time_ordered_id()
        task.revoke_id = f"r:{task.id}"


def _on_executing(signal: str, task: Task, *args: Any) -> None:
    scope = context.push(task=task.name, task_id=task.id)
    scope["_started"] = time.perf_counter()
    lag = queue_lag_seconds(task)
    if lag is not None:
        metrics.TASK_QUEUE_LAG.labels(task.name).observe(lag)


def _after(task: Task, value: Any, exception: BaseException | None) -> None:
    started = context.get("_started")
    fields = context.pop()
    fields.pop("_started", None)
    duration = time.perf_counter() - started if isinstance(started, float) else None
    if duration is not None:
        metrics.TASK_DURATION.labels(task.name).observe(duration)
    if exception is not None:
        metrics.TASK_FAILURES.labels(task.name).inc()
    extra: dict[str, Any] = {**fields, "outcome": "error" if exception else "ok",
                             "duration_ms": round(duration * 1000, 1) if duration is not None else None}
    if exception is not None:
        extra["error"] = f"{type(exception).__name__}: {exception}"
        extra["will_retry"] = bool(task.retries)
    elif isinstance(value, str | int | bool):
        extra["result"] = value
    log.log(logging.WARNING if exception else logging.INFO, "task finished", extra=extra)


def install(huey: Huey) -> None:
    """Connect the hooks to a Huey instance once."""
    if id(huey) in _installed:
        return
    _installed.add(id(huey))
    huey.signal(signals.SIGNAL_ENQUEUED)(_on_enqueued)
    huey.signal(signals.SIGNAL_EXECUTING)(_on_executing)
    huey.post_execute("xsight_observe")(_after)


