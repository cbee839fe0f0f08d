"""The mapping process's sender: frames in order, a bounded backlog, a gone writer reported."""

from __future__ import annotations

import os
import threading

import pytest

from xsight.services.ingest import bulk_process
from xsight.services.ingest.bulk_child import Sender


def read_frames(fd: int, count: int) -> list[object]:
    """Read `count` frames as the writer does (bulk_process._receive reads from a process's stdout)."""
    class Proc:
        stdout = os.fdopen(fd, "rb")
    items = [bulk_process._receive(Proc) for _ in range(count)]  # type: ignore[arg-type]
    Proc.stdout.close()
    return items


def test_frames_arrive_in_order_and_the_backlog_is_bounded() -> None:
    read_end, write_end = os.pipe()
    out = os.fdopen(write_end, "wb")
    sender = Sender(out, limit=1)  # one frame at a time, whatever its size
    big = b"x" * (1 << 20)  # more than a pipe holds: its write waits for the reader
    sender.send((1, big))
    third_sent = threading.Event()

    def more() -> None:
        sender.send((2, big))
        sender.send((3, b"end"))
        third_sent.set()

    helper = threading.Thread(target=more, daemon=True)
    helper.start()
    assert not third_sent.wait(0.5)  # held back: frame 1 is still being written, frame 2 waits
    items = read_frames(read_end, 3)
    helper.join(10)
    sender.close()
    out.close()
    assert [item[0] for item in items] == [1, 2, 3]  # type: ignore[index]
    assert items[0] == (1, big)


def test_a_gone_writer_is_raised_to_the_mapping_loop() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    out = os.fdopen(write_end, "wb", buffering=0)  # unbuffered: nothing left to flush at its close
    sender = Sender(out, limit=1)
    sender.send((1, b"lost"))  # queued: the thread finds the reader gone
    with pytest.raises(BrokenPipeError):  # the next frame waits for the first, whose write failed
        sender.send((2, b"x" * 1000))
    with pytest.raises(BrokenPipeError):
        sender.close()
    out.close()
