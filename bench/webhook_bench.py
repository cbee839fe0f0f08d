"""Webhook intake on loopback: verified deliveries per second and acknowledgement latency.

Usage: python -m bench.webhook_bench [--deliveries 5000] [--concurrency 16] [--database-url URL]
Starts the app in its own process (gunicorn, gevent workers when given --workers, else one
threaded werkzeug server), installs one shop, and posts signed orders/create deliveries with
unique webhook ids from a pool of client threads. Intake = HMAC check + delivery row + enqueue.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

SECRET = "bench-secret-" + "x" * 40
SHOP = "bench.myshopify.com"
SERVE = ("import sys; from xsight import create_app; app = create_app(); "
         "from werkzeug.serving import run_simple; "
         "run_simple('127.0.0.1', int(sys.argv[1]), app, threaded=True)")
SETUP = ("from xsight import create_app; from xsight.extensions import db; "
         "from xsight.models import Shop; app = create_app()\n"
         "with app.app_context():\n"
         "    db.drop_all(); db.create_all(); db.session.add(Shop(domain='bench.myshopify.com', "
         "installed=True)); db.session.commit()")


def body(n: int) -> bytes:
    """Return an orders/create payload."""
    return json.dumps({"id": n, "name": f"#{n}", "created_at": "2026-01-01T00:00:00Z",
                       "updated_at": "2026-01-01T00:00:00Z", "currency": "USD",
                       "total_price": "10.00", "line_items": []}).encode()


def headers(raw: bytes) -> dict[str, str]:
    """Return signed delivery headers."""
    digest = base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest()).decode()
    return {"Content-Type": "application/json", "X-Shopify-Topic": "orders/create",
            "X-Shopify-Hmac-Sha256": digest, "X-Shopify-Shop-Domain": SHOP,
            "X-Shopify-Webhook-Id": str(uuid.uuid4()), "X-Shopify-API-Version": "2026-04"}


def main() -> None:
    """Run the benchmark and print a Markdown row."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--workers", type=int, default=0,
                        help="serve with gunicorn and this many gevent workers (0: one werkzeug process)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XSIGHT_ENV": "development", "INSTANCE_PATH": tmp,
               "SHOPIFY_API_KEY": "bench", "SHOPIFY_API_SECRET": SECRET,
               "DATABASE_URL": args.database_url, "RATE_LIMIT_BURST": "100000"}
        subprocess.run([sys.executable, "-c", SETUP], env=env, check=True)
        port = 18000 + os.getpid() % 1000
        command = [sys.executable, "-c", SERVE, str(port)]
        if args.workers:
            command = [sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", str(args.workers),
                       "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                  stderr=(Path(tmp) / "s.log").open("w"))
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    httpx.get(url + "/healthz", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            payloads = [body(n) for n in range(args.deliveries)]
            latencies: list[float] = []
            errors = [0]
            lock = threading.Lock()
            counter = iter(range(args.deliveries))

            def sender() -> None:
                with httpx.Client(base_url=url, timeout=10) as client:
                    for n in counter:
                        raw = payloads[n]
                        start = time.perf_counter()
                        response = client.post("/webhooks", content=raw, headers=headers(raw))
                        elapsed = time.perf_counter() - start
                        with lock:
                            latencies.append(elapsed)
                            errors[0] += response.status_code != 200

            started = time.perf_counter()
            threads = [threading.Thread(target=sender) for _ in range(args.concurrency)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(10)
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    backend = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    server_kind = f"gunicorn gevent x{args.workers}" if args.workers else "werkzeug threaded"
    print("| backend | server | deliveries | concurrency | deliveries/s | p50 ack | p99 ack | errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    print(f"| {backend} | {server_kind} | {args.deliveries:,} | {args.concurrency} | "
          f"{args.deliveries / wall:,.0f} | "
          f"{p50:.1f} ms | {p99:.1f} ms | {errors[0]} |")


if __name__ == "__main__":
    main()
