"""The mapping helper hands over the same batches in order, stays bounded and stops with its writer."""

from __future__ import annotations

import contextvars
import gc
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from xsight.services.ingest import bulk_pipeline

Pipeline = Callable[..., Iterator[bulk_pipeline.Batch]]
BOTH = pytest.mark.parametrize("pipeline", [bulk_pipeline.batches, bulk_pipeline.in_line])
TAG: contextvars.ContextVar[str] = contextvars.ContextVar("tag", default="")


class Recorder:
    """A loader stand-in that keeps what it was given (mapping is not what is tested here)."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.buffer: list[int] = []
        self.fail_at = fail_at
        self.threads: set[str] = set()
        self.tags: set[str] = set()

    def add(self, obj: dict[str, Any]) -> None:
        if obj["n"] == self.fail_at:
            raise ValueError(f"bad object {obj['n']}")
        self.threads.add(threading.current_thread().name)
        self.tags.add(TAG.get())
        self.buffer.append(obj["n"])

    def take(self) -> list[int]:
        taken, self.buffer = self.buffer, []
        return taken


def numbered(count: int, read: list[int] | None = None) -> Iterator[dict[str, Any]]:
    for n in range(count):
        if read is not None:
            read.append(n)
        yield {"n": n}


@BOTH
@pytest.mark.parametrize("count", [0, 7, 9, 10])
def test_every_object_arrives_once_in_order_in_batches(pipeline: Pipeline, count: int) -> None:
    got = list(pipeline(Recorder(), numbered(count), 3))
    assert [n for rows, _, _ in got for n in rows] == list(range(count))
    assert [seen for _, seen, _ in got] == [*range(3, count + 1, 3), count]
    assert [last for _, _, last in got] == [False] * (len(got) - 1) + [True]


def test_the_helper_maps_in_its_own_thread_with_the_callers_context() -> None:
    loader = Recorder()
    token = TAG.set("run-42")
    try:
        list(bulk_pipeline.batches(loader, numbered(10), 3))
    finally:
        TAG.reset(token)
    assert loader.threads == {"bulk-map"}
    assert loader.tags == {"run-42"}


@BOTH
def test_a_mapping_error_arrives_after_the_batches_read_before_it(pipeline: Pipeline) -> None:
    got: list[list[int]] = []
    with pytest.raises(ValueError, match="bad object 7"):
        for rows, _, _ in pipeline(Recorder(fail_at=7), numbered(20), 3):
            got.append(rows)
    assert got == [[0, 1, 2], [3, 4, 5]]


def test_the_helper_reads_at_most_one_batch_ahead_and_stops_with_its_writer() -> None:
    read: list[int] = []
    every = 100
    mapped = bulk_pipeline.batches(Recorder(), numbered(10_000, read), every)
    for index, (_, seen, _) in enumerate(mapped):
        # One batch handed over, AHEAD waiting, one being mapped: never further ahead than that.
        assert len(read) <= seen + (bulk_pipeline.AHEAD + 1) * every
        if index == 4:
            break
    mapped.close()  # what the writer's `closing` does when a flush fails
    assert not any(t.name == "bulk-map" for t in threading.enumerate())
    assert len(read) <= 5 * every + (bulk_pipeline.AHEAD + 1) * every


def test_a_load_collects_garbage_less_often_and_the_last_one_out_restores() -> None:
    before = gc.get_threshold()
    first, second = bulk_pipeline.relaxed_gc(), bulk_pipeline.relaxed_gc()
    first.__enter__()
    second.__enter__()  # overlapping loads (two shops' backfills in one worker)
    assert gc.get_threshold() == bulk_pipeline.GC_THRESHOLD
    first.__exit__(None, None, None)
    assert gc.get_threshold() == bulk_pipeline.GC_THRESHOLD  # the second load still runs
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), bulk_pipeline.relaxed_gc():
        raise RuntimeError("disk full")
    assert gc.get_threshold() == before
