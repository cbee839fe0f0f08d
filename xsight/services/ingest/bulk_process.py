"""Parse and map a big bulk export in a second process while this one writes (decision 082).

Parsing and mapping are about 40% of a 10^6-order backfill's CPU, and threads cannot overlap them
with SQLite's writes (bulk_pipeline.py). Here a child Python process (bulk_child.py) reads the
export's bytes on its stdin (a pump thread feeds them as they download), maps them with the same
`BulkMapper`, and writes each batch back on its stdout as a length-prefixed marshal (pickle for what
marshal cannot hold), in file order, with the count of objects read so far: the batches, resume
points and errors are those of the in-process path. The frames come only from the process started
here, from our own code, never from input. The child gets no secret (a minimal environment) and dies
with its pipes: if the writer stops, it is killed; if the worker is killed, its next write fails.
"""

from __future__ import annotations

import contextvars
import gc
import marshal
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import IO, Any
from weakref import WeakKeyDictionary

from xsight.config import project_root
from xsight.errors import BulkOperationError
from xsight.services.ingest.bulk_pipeline import Batch

try:
    import fcntl
except ImportError:  # not on Windows: the pipes keep their default size there
    fcntl = None  # type: ignore[assignment]

FRAME = struct.Struct("<cQ")  # how the data that follows is serialized, and its byte length
MARSHAL, PICKLE = b"m", b"p"
# marshal's format 2 writes no back-references: a 25,000-object frame dumps in 20 ms instead of
# 34 ms (format 4 looks every object up in a table), loads in 19 ms instead of 17.5, 30% larger.
MARSHAL_VERSION = 2
# Exports with fewer objects map in-process: the child's start (about 1 s) and its first and last
# batches would cost more than the overlap saves. Customers have no child lines and map cheaply:
# 200,000 of them loaded in 4.0 s through the child and 2.8 s without; 500,000 in 6.0 s and 7.0 s.
MIN_OBJECTS = {"customers": 350_000, "orders": 200_000, "products": 200_000}
# Objects per batch handed over, at most: a 50,000-line SQLite transaction is written as two
# batches, so each process holds half its rows at a time. At 10^6 orders the two processes' peak
# was 434 MB with whole transactions, 381 MB with halves, 350 MB with fifths (the writer then
# took 20% longer: its tables' pages interleave in the page cache).
FRAME_OBJECTS = 25_000
CHILD_MODULE = "xsight.services.ingest.bulk_child"  # the process's code
PIPE_BYTES = 1 << 20  # the child's input pipe (Linux's default limit for an unprivileged process)
EXIT_WAIT_S = 5.0  # how long a child that sent its last batch may take to exit before it is killed
PUMP_JOIN_S = 5.0  # how long a stopped load waits for the pump to notice (a stalled download)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Unpickling a batch allocates hundreds of thousands of tuples: collect none meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(stream: IO[bytes], size: int) -> bytes:
    parts, left = [], size
    while left:
        part = stream.read(left)
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _receive(proc: subprocess.Popen[bytes]) -> Any:
    assert proc.stdout is not None
    header = _read(proc.stdout, FRAME.size)
    kind, size = FRAME.unpack(header) if len(header) == FRAME.size else (b"", 0)
    data = _read(proc.stdout, size)
    if not data or len(data) < size:
        code = proc.wait()
        raise BulkOperationError(
            f"The bulk mapping process stopped (exit code {code}) before the end of the export.")
    with _gc_paused():
        if kind == MARSHAL:
            return marshal.loads(data)  # noqa: S302 - written by our own child process, see above
        return pickle.loads(data)  # noqa: S301 - likewise


def _widen(pipe: IO[bytes]) -> None:
    """Let the child's input pipe hold PIPE_BYTES (Linux; elsewhere the default stays).

    With the default 64 KiB the child runs dry about every millisecond, and each refill waits for
    this process's GIL, which the writing thread holds for up to the 5 ms switch interval.
    """
    if fcntl is None:
        return
    with suppress(AttributeError, OSError):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _coalesced(data: Iterable[bytes]) -> Iterator[bytes]:
    """Join small chunks (a download's are a few KiB) into writes of about PIPE_BYTES."""
    parts: list[bytes] = []
    size = 0
    try:
        for chunk in data:
            parts.append(chunk)
            size += len(chunk)
            if size >= PIPE_BYTES:
                yield b"".join(parts)
                parts, size = [], 0
    except Exception:  # not GeneratorExit: a pump that stops writing just stops
        if parts:  # what arrived before a broken download still counts, as it does in-process
            yield b"".join(parts)
        raise
    if parts:
        yield b"".join(parts)


def _environment() -> dict[str, str]:
    """What the child needs to import xsight, and nothing else (no key, token or database URL)."""
    env = {name: os.environ[name] for name in ("PATH", "LANG", "LC_ALL", "TZ") if name in os.environ}
    return {**env, "PYTHONPATH": str(project_root()), "PYTHONDONTWRITEBYTECODE": "1",
            # glibc: every block of 1 MiB or more (a serialized batch) is its own mapping, returned
            # to the system when freed; by default the threshold grows with the blocks freed, and a
            # drained backlog of batches stayed resident in the heap (bulk_child.AHEAD_BYTES).
            "MALLOC_MMAP_THRESHOLD_": str(1 << 20)}


def frame_objects(commit_every: int) -> int:
    """Objects per handed-over batch: `commit_every` split evenly into batches of FRAME_OBJECTS at most."""
    parts = -(-commit_every // FRAME_OBJECTS)
    return -(-commit_every // parts)


def worthwhile(resource: str, objects: int) -> bool:
    """Whether `objects` of `resource` are enough to map in a child process (and this process can)."""
    return objects >= MIN_OBJECTS.get(resource, max(MIN_OBJECTS.values())) and available()


def available() -> bool:
    """Whether this process can start the mapping process (an embedded interpreter may not know its own)."""
    return bool(sys.executable)


def start(resource: str, dialect: str, *, skip: int, every: int) -> subprocess.Popen[bytes]:
    """Start the mapping process (OSError if this machine cannot: the caller maps in-process)."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", CHILD_MODULE, resource, dialect, str(every), str(skip)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_environment(), cwd=project_root())


def started_for(proc: subprocess.Popen[bytes], resource: str, dialect: str, *, skip: int, every: int) -> bool:
    """Whether `proc` (from `start`, still running) maps this load: resource, dialect, skip and batches."""
    args = [str(arg) for arg in proc.args] if isinstance(proc.args, list) else []
    return args[-4:] == [resource, dialect, str(every), str(skip)] and proc.poll() is None


@dataclass
class _Pump:
    """The thread writing an export's bytes to a mapping process, and what reading them raised."""

    thread: threading.Thread
    failed: list[BaseException] = field(default_factory=list)


_pumps: WeakKeyDictionary[subprocess.Popen[bytes], _Pump] = WeakKeyDictionary()


def feed(proc: subprocess.Popen[bytes], data: Iterable[bytes]) -> None:
    """Start writing the export's bytes to `proc` (from `start`) in a pump thread; once per process.

    A process fed ahead of its load (bulk_mapping.Ahead) maps while the load before it runs, and holds
    up to AHEAD_BYTES of batches until its load reads them.
    """
    if proc in _pumps:
        return

    def pump() -> None:
        assert proc.stdin is not None
        _widen(proc.stdin)
        try:
            for chunk in _coalesced(data):
                try:
                    proc.stdin.write(chunk)
                except (BrokenPipeError, ValueError):
                    return  # the child stopped (its error is on its way) or the load was stopped
        except BaseException as exc:  # from `data`: raised by the reader, in place of the last batch
            state.failed.append(exc)
        finally:
            with suppress(OSError):
                proc.stdin.close()

    state = _Pump(threading.Thread(target=contextvars.copy_context().run, args=(pump,),
                                   name="bulk-pump", daemon=True))
    _pumps[proc] = state
    state.thread.start()


def batches(proc: subprocess.Popen[bytes], data: Iterable[bytes]) -> Generator[Batch, None, None]:
    """Yield what `bulk_pipeline.batches` yields for these JSONL bytes, mapped by `proc` (`start`).

    A process already fed (`feed`) maps the bytes it was given, and `data` is left unread. An error
    reading the bytes is raised after the batches read before it; an error in the child (a broken
    line) is raised as the child raised it. The child is reaped (killed if need be) at the end.
    """
    if proc in _pumps:
        close = getattr(data, "close", None)
        if close is not None:
            close()  # e.g. a download not started: it never will be
    else:
        feed(proc, data)
    state = _pumps[proc]
    try:
        while True:
            item = _receive(proc)
            final = isinstance(item, BaseException) or item[2]
            if final:
                with suppress(subprocess.TimeoutExpired):
                    proc.wait(EXIT_WAIT_S)  # it has nothing left to do but exit
            if isinstance(item, BaseException):
                raise item
            if final:
                state.thread.join()
                if state.failed:  # the child saw the end of its input, not of the export
                    raise state.failed[0]
            last = item[2]
            yield item
            del item  # not alive while the next batch is unpacked (~30 MB at each hand-over)
            if last:
                return
    finally:
        stop(proc)  # a pump still writing then fails at once


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Kill the mapping process unless it has ended, reap it, close its pipes, let its pump end."""
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            with suppress(OSError):
                pipe.close()
    state = _pumps.pop(proc, None)
    if state is not None and state.thread.ident is not None:
        state.thread.join(PUMP_JOIN_S)
