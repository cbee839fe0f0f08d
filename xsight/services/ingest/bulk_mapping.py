"""Start a big load's mapping process, now or ahead of its load (decisions 082, 083).

A backfill writes its exports one after another. A load that maps in-process (a small export) leaves
the second core idle, so the next big export's mapping process is started then: its imports (about
1 s) overlap that load instead of delaying its own start, and given the export's bytes it maps its
first batches meanwhile too (decision 085).
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session, scoped_session

from xsight.services.ingest import bulk_process

logger = logging.getLogger(__name__)
Source = Callable[[], Iterable[bytes]]  # opens an export's bytes


def start_mapping(session: Session | scoped_session[Any], resource: str, *, expected: int, skip: int = 0,
                  commit_every: int) -> subprocess.Popen[bytes] | None:
    """Start the mapping process for a coming `load_jsonl` of this export; None when it maps in-process.

    The process imports the mapping code (about 1 s) and then waits for the export's bytes.
    """
    if not bulk_process.worthwhile(resource, expected - skip):
        return None
    try:
        proc = bulk_process.start(resource, session.connection().dialect.name, skip=skip,
                                  every=bulk_process.frame_objects(commit_every))
    except OSError as exc:  # no process to be had (a limit, no memory): map here, as for a small export
        logger.warning("bulk mapping process not started (%s); mapping %s in the worker",
                       type(exc).__name__, resource)
        return None
    logger.info("bulk mapping process %d started for %d %s objects", proc.pid, expected - skip, resource)
    return proc


class Ahead:
    """Start a later big export's mapping process while the loads before it map in-process.

    Its imports (about 1 s, decision 083) then overlap those loads instead of delaying its own.
    At most one mapping process is alive at a time (each holds ~100 MB): none is started ahead
    while a load maps in a process of its own. Exports are (resource, expected, skip) in load order;
    `sources` open an export's bytes, which a process started ahead is then fed at once (the load
    later given that process leaves its own bytes unread, bulk_process.batches).
    """

    def __init__(self, session: Session | scoped_session[Any], exports: list[tuple[str, int, int]],
                 commit_every: int, sources: Mapping[str, Source] | None = None) -> None:
        self.session, self.exports, self.commit_every = session, exports, commit_every
        self.sources = dict(sources or {})
        self.started: dict[str, subprocess.Popen[bytes]] = {}

    def __enter__(self) -> Ahead:
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self.started.values():  # not used: the load before it failed
            bulk_process.stop(proc)
        self.started.clear()

    def process_for(self, resource: str) -> subprocess.Popen[bytes] | None:
        """The process started ahead for this resource's load, if any; starts the next one when due."""
        proc = self.started.pop(resource, None)
        names = [name for name, _, _ in self.exports]
        if resource not in names:
            return proc
        index = names.index(resource)
        _, expected, skip = self.exports[index]
        if proc is None and not self.started and not bulk_process.worthwhile(resource, expected - skip):
            for later, later_expected, later_skip in self.exports[index + 1:]:
                if bulk_process.worthwhile(later, later_expected - later_skip):
                    started = start_mapping(self.session, later, expected=later_expected,
                                            skip=later_skip, commit_every=self.commit_every)
                    if started is not None:
                        self.started[later] = started
                        if later in self.sources:
                            bulk_process.feed(started, self.sources[later]())
                    break
        return proc
