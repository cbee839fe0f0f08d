"""Parse and map the next batch of bulk lines in a helper thread while PostgreSQL writes this one.

psycopg releases the GIL while the server executes a batch's `INSERT … SELECT` (most of the
backfill's time on PostgreSQL), so on two cores the next batch's parsing and mapping overlaps it
(decision 006). SQLite maps in line (`in_line`): sqlite3 releases the GIL only for each row's short
step, and taking it back from a busy helper costs up to the 5 ms switch interval every row.
Only the helper touches `objects` and the loader's buffers until it hands a batch over; only the
calling thread touches the database. At most `AHEAD` finished batches wait, so memory stays
bounded (one batch written, `AHEAD` waiting, one being mapped). Under gevent's monkey-patching the
helper is a greenlet and the queue cooperative: the same order of events, less overlap.
Big exports (bulk_process.MIN_OBJECTS) are mapped in a child process instead (decision 082).
"""

from __future__ import annotations

import contextvars
import gc
import queue
import threading
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

AHEAD = 1  # finished batches allowed to wait for the writer
POLL_S = 0.1  # how often a blocked helper checks whether the writer gave up
# While any load runs in this process (the worker; the web process too in embedded mode), the cyclic
# collector runs after this many allocations (default 700) and rarely looks at the older
# generations: at the defaults it walked a batch's hundreds of thousands of parsed objects over and
# over, 5 s of a 10^6-order SQLite backfill (decision 081). The rows hold no reference cycles;
# whatever garbage has them waits a little longer.
GC_THRESHOLD = (50_000, 20, 1_000)
_gc_lock = threading.Lock()
_gc_loads: list[tuple[int, ...]] = []  # the thresholds to put back, one entry per running load

Batch = tuple[Any, int, bool]  # (buffers from loader.take(), objects read so far, last batch)


class Mapper(Protocol):
    """What the helper needs of the loader: map one object, hand over the mapped rows."""

    def add(self, obj: dict[str, Any]) -> None: ...

    def take(self) -> Any: ...


@contextmanager
def relaxed_gc() -> Iterator[None]:
    """Collect cyclic garbage less often for the block; the last of overlapping blocks restores."""
    with _gc_lock:
        _gc_loads.append(_gc_loads[0] if _gc_loads else gc.get_threshold())
        gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        with _gc_lock:
            restore = _gc_loads.pop()
            if not _gc_loads:
                gc.set_threshold(*restore)


def in_line(loader: Mapper, objects: Iterable[dict[str, Any]], every: int) -> Generator[Batch, None, None]:
    """Yield the same batches as `batches`, mapped in the calling thread."""
    count = 0
    for obj in objects:
        loader.add(obj)
        count += 1
        if count % every == 0:
            yield loader.take(), count, False
    yield loader.take(), count, True


def batches(loader: Mapper, objects: Iterable[dict[str, Any]], every: int) -> Generator[Batch, None, None]:
    """Yield the mapped rows after every `every` objects, and the rest last, mapped in a thread.

    An error while reading or mapping is raised here, after every batch read before it; if the
    consumer stops early (an error while writing), the helper stops at its next batch boundary.
    """
    handoff: queue.Queue[Batch | BaseException] = queue.Queue(maxsize=AHEAD)
    stop = threading.Event()

    def put(item: Batch | BaseException) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        count = 0
        try:
            for obj in objects:
                loader.add(obj)
                count += 1
                if count % every == 0 and not put((loader.take(), count, False)):
                    return
            put((loader.take(), count, True))
        except BaseException as exc:  # handed to the writing thread and raised there
            put(exc)

    # The helper runs in a copy of this context, so its log lines keep the run's fields.
    helper = threading.Thread(target=contextvars.copy_context().run, args=(produce,),
                              name="bulk-map", daemon=True)
    helper.start()
    try:
        while True:
            item = handoff.get()
            if isinstance(item, BaseException):
                raise item
            last = item[2]
            yield item
            del item  # not alive while the next batch waits to be taken
            if last:
                return
    finally:
        stop.set()
        helper.join()
