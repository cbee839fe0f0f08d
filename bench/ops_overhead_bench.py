"""What operations cost on the webhook hot path: the access line, redaction, metrics, and a scrape.

Usage: python -m bench.ops_overhead_bench [--deliveries 2000] [--database-url URL]
In one process, posts signed deliveries to POST /webhooks through Flask's test client (no network),
alternating rounds with the access line on (LOG_LEVEL=INFO, JSON, written to /dev/null) and off
(LOG_LEVEL=WARNING), and reports the median time per delivery of each; then times formatting one
redacted access line alone and one /metrics scrape. No consumer runs (tasks are only enqueued).
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

from bench.webhook_bench import SECRET, SHOP, body, headers

ROUNDS = 6


def build_app(database_url: str, folder: Path):  # type: ignore[no-untyped-def]
    from xsight import create_app
    from xsight.extensions import db
    from xsight.models import Shop

    app = create_app({"XSIGHT_ENV": "test", "INSTANCE_PATH": str(folder), "DATABASE_URL": database_url,
                      "SHOPIFY_API_KEY": "bench", "SHOPIFY_API_SECRET": SECRET, "SECRET_KEY": "b" * 32,
                      "LOG_FORMAT": "json"})
    app.config["TESTING"] = False
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.add(Shop(domain=SHOP, installed=True))
        db.session.commit()
    return app


def post_round(client, count: int, offset: int) -> float:  # type: ignore[no-untyped-def]
    """Post `count` deliveries; return seconds per delivery."""
    started = time.perf_counter()
    for n in range(offset, offset + count):
        payload = body(n)
        response = client.post("/webhooks", data=payload, headers=headers(payload))
        assert response.status_code == 200, response.data
    return (time.perf_counter() - started) / count


def main() -> None:
    """Run the rounds and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="xsight-ops-bench-"))
    os.environ["INSTANCE_PATH"] = str(folder)  # the queue file goes there, not into the checkout
    from xsight.tasks.queue import huey

    app = build_app(args.database_url, folder)
    huey.immediate = False  # only enqueue, as the web process does in production
    client = app.test_client()
    devnull = open(os.devnull, "w")  # noqa: SIM115 - held for the whole run
    sys.stderr = devnull  # the handler writes to whatever sys.stderr is
    per_round = args.deliveries // ROUNDS
    timings: dict[str, list[float]] = {"on": [], "off": []}
    post_round(client, 50, 10**7)  # warm up
    for r in range(ROUNDS):
        for mode in ("on", "off") if r % 2 == 0 else ("off", "on"):
            logging.getLogger().setLevel(logging.INFO if mode == "on" else logging.WARNING)
            timings[mode].append(post_round(client, per_round // 2, r * per_round + (mode == "on") * 10**6))
    logging.getLogger().setLevel(logging.INFO)
    record = logging.LogRecord("xsight.http", logging.INFO, __file__, 1, "request", None, None)
    for key, value in {"method": "POST", "route": "/webhooks", "status": 200, "duration_ms": 1.2,
                       "request_id": uuid.uuid4().hex, "shop": SHOP, "topic": "orders/create",
                       "webhook_id": str(uuid.uuid4())}.items():
        setattr(record, key, value)
    from xsight.ops.logs import JsonFormatter, RedactingFilter

    fmt, flt = JsonFormatter(), RedactingFilter()
    started = time.perf_counter()
    for _ in range(5000):
        copy = logging.makeLogRecord(vars(record))
        flt.filter(copy)
        fmt.format(copy)
    line_us = (time.perf_counter() - started) / 5000 * 1e6
    started = time.perf_counter()
    for _ in range(20):
        assert client.get("/metrics").status_code == 200
    scrape_ms = (time.perf_counter() - started) / 20 * 1000
    sys.stderr = sys.__stderr__
    on, off = statistics.median(timings["on"]) * 1e6, statistics.median(timings["off"]) * 1e6
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print("| backend | µs/delivery, access line on | off | difference | one redacted JSON line | scrape |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| {backend} | {on:.0f} | {off:.0f} | {on - off:+.0f} µs ({(on - off) / off * 100:+.1f}%) "
          f"| {line_us:.0f} µs | {scrape_ms:.1f} ms |")


if __name__ == "__main__":
    main()
