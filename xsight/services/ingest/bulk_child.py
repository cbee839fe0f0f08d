"""The mapping process's side of bulk_process: JSONL on stdin, mapped batches on stdout.

A sender thread writes the batches, so mapping goes on while the writer is busy elsewhere (the load
before this one, decision 085): up to AHEAD_BYTES of serialized batches wait in this process. Frames
are a kind byte, a length and marshal (pickle for what marshal cannot hold) of our own rows.
"""

from __future__ import annotations

import gc
import marshal
import os
import pickle
import sys
import threading
from collections import deque
from typing import IO, Any

from xsight.errors import BulkOperationError
from xsight.services.ingest.bulk_process import FRAME, MARSHAL, MARSHAL_VERSION, PICKLE, PIPE_BYTES

# Serialized batches held while the writer reads none (a 25,000-object frame of orders is ~5 MB):
# about 1.2 s of mapping, what a 200,000-customer load leaves this process once it has started.
AHEAD_BYTES = 32 << 20


def _serialize(item: Any) -> tuple[bytes, bytes]:
    """Return (header, data): marshal where it can (twice as fast as pickle both ways), else pickle."""
    try:
        kind, data = MARSHAL, marshal.dumps(item, MARSHAL_VERSION)
    except ValueError:  # e.g. a datetime, or an exception
        kind, data = PICKLE, pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
    return FRAME.pack(kind, len(data)), data


def _round_trips(exc: BaseException) -> bool:
    """Whether the writer can unpickle this exception (a constructor may want other arguments)."""
    try:
        pickle.loads(pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL))  # noqa: S301 - our own bytes
    except Exception:
        return False
    return True


class Sender:
    """Write frames in order from a thread, holding at most `limit` bytes of them (one always fits)."""

    def __init__(self, out: IO[bytes], limit: int = AHEAD_BYTES) -> None:
        self.out, self.limit = out, limit
        self.frames: deque[tuple[bytes, bytes]] = deque()
        self.held, self.closed = 0, False
        self.error: BaseException | None = None
        self.ready = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="bulk-send", daemon=True)
        self.thread.start()

    def send(self, item: Any) -> None:
        """Queue one frame; wait while `limit` bytes are held. Raises what writing raised (a gone writer)."""
        header, data = _serialize(item)
        with self.ready:
            while self.held and self.held + len(data) > self.limit and self.error is None:
                self.ready.wait()
            if self.error is not None:
                raise self.error
            self.frames.append((header, data))
            self.held += len(data)
            self.ready.notify_all()

    def close(self) -> None:
        """Write what is queued and stop the thread; raises what writing raised."""
        with self.ready:
            self.closed = True
            self.ready.notify_all()
        self.thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        while True:
            with self.ready:
                while not self.frames and not self.closed:
                    self.ready.wait()
                if not self.frames:
                    return
                header, data = self.frames[0]
            try:  # the pipe write releases the GIL: mapping goes on meanwhile
                self.out.write(header)
                self.out.write(data)
                self.out.flush()
            except BaseException as exc:
                with self.ready:
                    self.error = exc
                    self.ready.notify_all()
                return
            with self.ready:
                self.frames.popleft()
                self.held -= len(data)
                self.ready.notify_all()
            del header, data  # not kept alive while waiting for the next frame


def main(argv: list[str]) -> int:
    """Map stdin's JSONL into batches on stdout (fd 1; anything printed goes to stderr)."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    from xsight.services.ingest.bulk_map import BulkMapper, dialect_named
    from xsight.shopify import jsonl

    resource, dialect, every, skip = argv[0], argv[1], int(argv[2]), int(argv[3])
    # Parsed objects and mapped rows hold no reference cycles: reference counting frees all of
    # them, and the cyclic collector would only walk each batch over and over.
    gc.disable()
    sender = Sender(out)
    try:
        try:
            mapper = BulkMapper(resource, dialect_named(dialect))
            count = 0
            for obj in jsonl.parse_lines(os.fdopen(0, "rb", buffering=PIPE_BYTES), skip=skip):
                mapper.add(obj)
                count += 1
                if count % every == 0:
                    sender.send((mapper.take(), count, False))
            sender.send((mapper.take(), count, True))
        except BrokenPipeError:
            raise
        except Exception as exc:
            sender.send(exc if _round_trips(exc) else BulkOperationError(f"{type(exc).__name__}: {exc}"))
            sender.close()
            return 1
        sender.close()
    except BrokenPipeError:
        return 1  # the writer is gone
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
