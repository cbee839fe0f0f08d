"""CPU per webhook delivery through the WSGI app, in one process (robust to a busy machine).

Usage: python -m bench.webhook_cpu [--deliveries 4000] [--rounds 4] [--database-url URL] [--profile N]
Calls the app's WSGI callable directly with pre-signed environs (what gunicorn hands it; no network,
no test client), tasks only enqueued (to Redis when REDIS_URL is set). Reports the median over rounds
of this process's CPU per delivery (`time.process_time`) and of the local PostgreSQL and Redis
servers' CPU per delivery (from /proc). `--profile N` prints cProfile's top N functions of one round.
The JSON access line is on (LOG_LEVEL=INFO, LOG_FORMAT=json, written to /dev/null), as in production.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import proc_cpu
from bench.ops_overhead_bench import build_app


def environs(count: int, offset: int) -> list[dict[str, Any]]:
    """Return `count` WSGI environs of signed orders/create deliveries with unique webhook ids."""
    from bench.webhook_bench import body, headers

    out = []
    for n in range(offset, offset + count):
        raw = body(n)
        env: dict[str, Any] = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/webhooks", "QUERY_STRING": "", "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(raw),
            "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
            "wsgi.run_once": False, "wsgi.version": (1, 0), "CONTENT_LENGTH": str(len(raw))}
        for key, value in headers(raw).items():
            name = key.upper().replace("-", "_")
            env["CONTENT_TYPE" if name == "CONTENT_TYPE" else f"HTTP_{name}"] = value
        out.append(env)
    return out


def run(app: Any, batch: list[dict[str, Any]]) -> None:
    """Send each environ through the app and check it was answered 200."""
    statuses: list[str] = []
    start_response = (lambda status, headers, exc_info=None: statuses.append(status))  # noqa: E731
    for env in batch:
        for _ in app(env, start_response):
            pass
    bad = [s for s in statuses if not s.startswith("200")]
    assert not bad, bad[:3]


def main() -> None:
    """Run the rounds and print the medians."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="xsight-webhook-cpu-"))
    os.environ.update(INSTANCE_PATH=str(folder), LOG_FORMAT="json", LOG_LEVEL="INFO")
    from bench.webhook_bench import SECRET, SHOP
    from xsight.tasks.queue import huey

    app = build_app(args.database_url, folder, SECRET, SHOP)
    huey.immediate = False  # only enqueue, as the web process does in production
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - the log handler writes to sys.stderr
    def sides() -> dict[str, list[int]]:  # listed before and after each round: pools open backends
        return {"postgres": proc_cpu.server_pids(args.database_url, "postgres"),
                "redis": proc_cpu.server_pids(os.environ.get("REDIS_URL", ""), "redis-server")}

    per_round = args.deliveries // args.rounds
    run(app, environs(200, 10**7))  # warm up
    app_cpu: list[float] = []
    server_cpu: dict[str, list[float]] = {name: [] for name, pids in sides().items() if pids}
    for r in range(args.rounds):
        batch = environs(per_round, r * per_round)
        before = {name: proc_cpu.cpu_seconds(pids) for name, pids in sides().items()}
        started = time.process_time()
        run(app, batch)
        app_cpu.append((time.process_time() - started) / per_round)
        for name, pids in sides().items():
            if name in server_cpu:
                server_cpu[name].append((proc_cpu.cpu_seconds(pids) - before[name]) / per_round)
    if args.profile:
        profiler = cProfile.Profile(time.process_time)
        batch = environs(per_round, 10**6)
        profiler.enable()
        run(app, batch)
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(args.profile)
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(args.profile)
        print(text.getvalue(), file=sys.__stdout__)
    sys.stderr = sys.__stderr__
    cells = {"app": app_cpu} | server_cpu
    medians = {name: round(statistics.median(v) * 1e6) for name, v in cells.items()}
    backend = "PostgreSQL + RedisHuey" if args.database_url else "SQLite + SqliteHuey"
    print(f"{backend}: CPU per delivery (µs, median of {args.rounds} rounds of {per_round}): {medians}, "
          f"total {sum(medians.values())}; app rounds {[round(v * 1e6) for v in app_cpu]}")


if __name__ == "__main__":
    main()
