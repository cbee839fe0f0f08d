"""Run `make demo` once at a given size and time it: store generation, backfill by step, recompute, RSS.

Usage: DEMO_ORDERS=1000000 python -m bench.demo_run [--instance DIR] [--port 5611]
(embedded default: unset DATABASE_URL / REDIS_URL). Starts `python -m xsight.demo` in a fresh
instance folder, samples the RSS of the demo process and the simulated store every second, records
when the store answered (the shop is generated), when each backfill step began (`sync_runs.step`),
when the backfill finished and when the first analytics recompute after it finished (`model_runs`),
prints a summary, then stops the demo.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import proc_cpu

POLL_S = 1.0


def rss_kb(pid: int) -> int:
    """Return a process's resident set size in kB (0 once it is gone)."""
    try:
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def read_state(db: Path) -> tuple[str, str, int, str] | None:
    """Return (status, step, processed, model run finished_at) of the first sync run, if any."""
    if not db.exists():
        return None
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            run = conn.execute("SELECT status, coalesce(step, ''), processed FROM sync_runs "
                               "ORDER BY id LIMIT 1").fetchone()
            model = conn.execute("SELECT max(finished_at) FROM model_runs").fetchone()
    except sqlite3.Error:
        return None
    return (run[0], run[1], int(run[2]), model[0] or "") if run else None


def main() -> None:
    """Run the demo until the backfill and its recompute are done; print the timings."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--instance", default="")
    parser.add_argument("--port", default="5611")
    args = parser.parse_args()
    instance = Path(args.instance or tempfile.mkdtemp(prefix="demo-run-"))
    env = {**os.environ, "INSTANCE_PATH": str(instance), "PORT": args.port}
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    log = (instance / "demo.out").open("w")
    demo = subprocess.Popen([sys.executable, "-m", "xsight.demo"], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    t0, peaks, marks = time.monotonic(), {}, {}
    last: tuple[str, str] | None = None
    try:
        while demo.poll() is None:
            for pid in proc_cpu.tree(demo.pid):
                name = "store" if "devstore" in proc_cpu.cmdline(pid) else "app + worker"
                peaks[name] = max(peaks.get(name, 0), rss_kb(pid))
            if "installed" not in marks and "App:" in (instance / "demo.out").read_text(errors="replace"):
                marks["installed"] = time.monotonic() - t0  # the store generated its shop and answered
            state = read_state(instance / "xsight.sqlite3")
            if state and (state[0], state[1]) != last:
                last = (state[0], state[1])
                marks[f"{state[0]} {state[1]}".strip()] = time.monotonic() - t0
                print(f"{time.monotonic() - t0:7.0f} s  {state[0]} {state[1]} ({state[2]:,} records)",
                      flush=True)
            if state and (state[0] == "failed" or (state[0] == "succeeded" and state[3])):
                marks["recompute finished" if state[3] else "stopped"] = time.monotonic() - t0
                break
            time.sleep(POLL_S)
    finally:
        demo.terminate()
        demo.wait(30)
    for name, at in marks.items():
        print(f"{name}: at {at:.0f} s")
    print("peak RSS: " + ", ".join(f"{k} {v / 1024:.0f} MB" for k, v in peaks.items()))
    print(f"instance: {instance}; load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
