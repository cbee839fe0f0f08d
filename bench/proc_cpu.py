"""CPU seconds used by a set of server processes (from /proc), to report CPU per request on a busy host.

Wall-clock throughput on a shared machine says more about the neighbours than the code; the CPU that
the web workers, PostgreSQL and Redis spend per delivery does not, and on a dedicated host it bounds
the throughput (cores / CPU per delivery).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

TICK = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def cmdline(pid: int) -> str:
    """Return a process's command line as one string ("" once it is gone)."""
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def cpu_seconds(pids: list[int]) -> float:
    """Return user + system CPU seconds of these processes and their exited, waited-for children."""
    total = 0
    for pid in pids:
        try:
            fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return total / TICK


def tree(pid: int) -> list[int]:
    """Return a process and all its descendants."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(_children(current))
    return out


def server_pids(url: str, program: str) -> list[int]:
    """Return the processes of the local `program` (postgres, redis-server) listening on url's port."""
    port = urlparse(url).port
    if not port:
        return []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            line = cmdline(int(entry.name))
            if program in line.split(" ")[0] and (f"-p {port} " in line or f":{port}" in line):
                return tree(int(entry.name))
    return []
