"""What operations cost on the webhook hot path, in CPU time per delivery (robust to a busy machine).

Usage: python -m bench.ops_overhead_bench [--deliveries 3000] [--database-url URL]
In one process, posts signed deliveries to POST /webhooks through Flask's test client (no network,
no consumer: tasks are only enqueued) and reports the median CPU time per delivery over rounds,
alternating the access line on (LOG_LEVEL=INFO, LOG_FORMAT=json, written to /dev/null) and off
(LOG_LEVEL=WARNING); request ids, context and metrics are always on. Then times one redacted JSON
access line alone and one /metrics scrape. Run from a checkout without `xsight.ops`
(`PYTHONPATH=<checkout> python <this file>`) it measures that checkout's intake as a baseline.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROUNDS = 8


def build_app(database_url: str, folder: Path, secret: str, shop: str):  # type: ignore[no-untyped-def]
    from xsight import create_app
    from xsight.extensions import db
    from xsight.models import Shop

    app = create_app({"XSIGHT_ENV": "test", "INSTANCE_PATH": str(folder), "DATABASE_URL": database_url,
                      "SHOPIFY_API_KEY": "bench", "SHOPIFY_API_SECRET": secret, "SECRET_KEY": "b" * 32})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":  # a throwaway database: start from nothing
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        else:
            db.drop_all()
        db.create_all()
        db.session.add(Shop(domain=shop, installed=True))
        db.session.commit()
    return app


def post_round(client, count: int) -> float:  # type: ignore[no-untyped-def]
    """Post `count` deliveries; return CPU seconds per delivery."""
    from bench.webhook_bench import body, headers

    started = time.process_time()
    for n in range(count):
        payload = body(n)
        response = client.post("/webhooks", data=payload, headers=headers(payload))
        assert response.status_code == 200, response.data
    return (time.process_time() - started) / count


def line_cost() -> float:
    """Return µs of CPU to redact and format one access line."""
    from xsight.ops.logs import JsonFormatter, RedactingFilter

    record = logging.LogRecord("xsight.http", logging.INFO, __file__, 1, "request", None, None)
    for key, value in {"method": "POST", "route": "/webhooks", "status": 200, "duration_ms": 1.2,
                       "request_id": uuid.uuid4().hex, "shop": "bench.myshopify.com",
                       "topic": "orders/create", "webhook_id": str(uuid.uuid4())}.items():
        setattr(record, key, value)
    fmt, flt = JsonFormatter(), RedactingFilter()
    started = time.process_time()
    for _ in range(5000):
        copy = logging.makeLogRecord(vars(record))
        flt.filter(copy)
        fmt.format(copy)
    return (time.process_time() - started) / 5000 * 1e6


def main() -> None:
    """Run the rounds and print a Markdown row."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=3000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="xsight-ops-bench-"))
    os.environ.update(INSTANCE_PATH=str(folder), LOG_FORMAT="json")  # the queue file goes there
    from bench.webhook_bench import SECRET, SHOP
    from xsight.tasks.queue import huey

    app = build_app(args.database_url, folder, SECRET, SHOP)
    huey.immediate = False  # only enqueue, as the web process does in production
    client = app.test_client()
    try:
        import xsight.ops  # noqa: F401

        modes = ("on", "off")
    except ImportError:
        modes = ("baseline",)
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - the log handler writes to sys.stderr
    post_round(client, 100)  # warm up
    per_round = args.deliveries // (ROUNDS * len(modes))
    timings: dict[str, list[float]] = {m: [] for m in modes}
    for r in range(ROUNDS):
        for mode in modes if r % 2 == 0 else tuple(reversed(modes)):
            logging.getLogger().setLevel(logging.WARNING if mode == "off" else logging.INFO)
            timings[mode].append(post_round(client, per_round))
    scrape = None
    if "on" in modes:
        started = time.process_time()
        for _ in range(20):
            assert client.get("/metrics").status_code == 200
        scrape = (time.process_time() - started) / 20 * 1000
    sys.stderr = sys.__stderr__
    backend = "PostgreSQL" if args.database_url else "SQLite"
    cells = " | ".join(f"{m}: {statistics.median(t) * 1e6:.0f} µs" for m, t in timings.items())
    extra = f" | line {line_cost():.0f} µs | scrape {scrape:.1f} ms" if scrape is not None else ""
    print(f"| {backend} | {cells}{extra} |")


if __name__ == "__main__":
    main()
