"""Peak resident memory of this process split into anonymous and file-backed pages (from /proc).

`ru_maxrss` counts every resident page, including the database file pages SQLite maps
(`mmap_size`): those are the kernel's page cache, shared and dropped under pressure, so a peak
made of them means something else than one made of the process's own heap. A sampler thread
reads /proc/self/status and keeps the peak of each kind.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType

FIELDS = ("VmRSS", "RssAnon", "RssFile")


def current() -> dict[str, float]:
    """Return VmRSS, RssAnon and RssFile of this process in MB (empty where /proc has none)."""
    found: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in FIELDS:
                found[name] = int(value.split()[0]) / 1024
    except OSError:
        return {}
    return found


class PeakRss:
    """Sample this process's memory every `interval` seconds while the block runs; keep the peaks."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval, self.peak = interval, dict.fromkeys(FIELDS, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for name, value in current().items():
            self.peak[name] = max(self.peak[name], value)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> PeakRss:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
