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
TOTALS = ("Children", "WithChildren")  # child processes' VmRSS (the mapping process), and the sum


def current(pid: str = "self") -> dict[str, float]:
    """Return VmRSS, RssAnon and RssFile of a process in MB (empty where /proc has none)."""
    found: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in FIELDS:
                found[name] = int(value.split()[0]) / 1024
    except OSError:
        return {}
    return found


def _children() -> list[str]:
    """Process ids of this process's children (started by any of its threads), once they run
    their own program: before its exec a child shares, and shows, all of this process's pages.
    """
    own = Path("/proc/self/cmdline").read_bytes()
    pids: list[str] = []
    for task in Path("/proc/self/task").glob("*"):
        try:
            pids += [pid for pid in (task / "children").read_text().split()
                     if Path(f"/proc/{pid}/cmdline").read_bytes() != own]
        except OSError:  # a thread or child that just ended
            continue
    return pids


class PeakRss:
    """Sample this process's memory every `interval` seconds while the block runs; keep the peaks."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval, self.peak = interval, dict.fromkeys(FIELDS + TOTALS, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        own = current()
        for name, value in own.items():
            self.peak[name] = max(self.peak[name], value)
        children = sum(current(pid).get("VmRSS", 0.0) for pid in _children())
        self.peak["Children"] = max(self.peak["Children"], children)
        self.peak["WithChildren"] = max(self.peak["WithChildren"], own.get("VmRSS", 0.0) + children)

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
