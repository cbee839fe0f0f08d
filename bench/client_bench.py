"""Benchmark bulk JSONL handling: parse + assemble throughput and peak memory, file and HTTP stream.

Usage: .venv/bin/python -m bench.client_bench [--lines 500000] [--window 10000] [--append docs/benchmarks.md]
Each measurement runs in a fresh child process so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MONEY = {"shopMoney": {"amount": "42.50", "currencyCode": "USD"}}
# Share of line items that Shopify writes far from their order (see jsonl.py).
LATE_SHARE = 0.05
LATE_FLUSH_EVERY = 200


def generate(path: Path, lines: int, seed: int = 42) -> None:
    """Write a BulkOrders-shaped JSONL file: orders, then line items, some trailing far behind."""
    rng = random.Random(seed)
    late: list[str] = []
    written = order = 0
    with path.open("w") as out:
        while written < lines:
            oid = f"gid://shopify/Order/{5_000_000 + order}"
            out.write(json.dumps({
                "id": oid, "legacyResourceId": str(5_000_000 + order), "name": f"#{1000 + order}",
                "email": f"c{order % 9973}@example.com", "createdAt": "2025-03-01T10:00:00Z",
                "updatedAt": "2025-03-02T10:00:00Z", "processedAt": "2025-03-01T10:00:00Z",
                "cancelledAt": None, "test": False, "currencyCode": "USD", "displayFinancialStatus": "PAID",
                "customer": {"id": f"gid://shopify/Customer/{order % 9973}"}, "totalPriceSet": MONEY,
                "subtotalPriceSet": MONEY, "totalTaxSet": MONEY, "refunds": []}) + "\n")
            written += 1
            for item in range(rng.randint(1, 4)):
                line = json.dumps({
                    "id": f"gid://shopify/LineItem/{order}{item:02d}", "title": "Organic cotton tee",
                    "sku": "TEE-M", "quantity": rng.randint(1, 3), "currentQuantity": 1, "isGiftCard": False,
                    "variant": {"id": "gid://shopify/ProductVariant/1"}, "originalUnitPriceSet": MONEY,
                    "discountAllocations": [], "taxLines": [{"priceSet": MONEY}], "__parentId": oid}) + "\n"
                if rng.random() < LATE_SHARE:
                    late.append(line)
                else:
                    out.write(line)
                    written += 1
            if order % LATE_FLUSH_EVERY == 0 and late:
                out.writelines(late)
                written += len(late)
                late = []
            order += 1
        out.writelines(late)


def measure(source: str, window: int) -> dict[str, float]:
    """Parse + assemble from a file path or an http:// URL; return counts, seconds, peak RSS."""
    from xsight.shopify.jsonl import assemble, parse_lines, stream_jsonl

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    objects: object
    if source.startswith("http"):
        from xsight.config import load_settings
        from xsight.shopify.http import build_http_client

        http = build_http_client(load_settings(environ={}, XSIGHT_ENV="test"))
        objects = stream_jsonl(http, source)
    else:
        objects = parse_lines(open(source, "rb"))  # noqa: SIM115 - closed at exit
    roots = children = late = 0
    for group in assemble(objects, window=window):  # type: ignore[arg-type]
        roots += group.root is not None
        late += group.root is None
        children += len(group.children)
    seconds = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"roots": roots, "children": children, "late_groups": late, "seconds": seconds,
            "rss_before_kb": rss_before, "rss_peak_kb": rss_after}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the benchmark output clean."""


def _serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def client_overhead(calls: int = 2000) -> tuple[float, float]:
    """Return (AdminClient.execute ms per call, estimate_cost ms) for OrdersPage over a mock transport."""
    import httpx

    from xsight.shopify import queries
    from xsight.shopify.client import AdminClient
    from xsight.shopify.cost import estimate_cost

    nodes = [{"id": f"gid://shopify/Order/{i}"} for i in range(7)]
    page = {"pageInfo": {"hasNextPage": True, "endCursor": "c"}, "nodes": nodes}
    body = json.dumps({"data": {"orders": page},
                       "extensions": {"cost": {"requestedQueryCost": 900, "actualQueryCost": 100,
                                               "throttleStatus": {"maximumAvailable": 1e9,
                                                                  "currentlyAvailable": 1e9,
                                                                  "restoreRate": 1e6}}}}).encode()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    client = AdminClient("xsight-demo.myshopify.com", httpx.Client(transport=transport), lambda: "token")
    start = time.perf_counter()
    for _ in range(calls):
        client.execute("OrdersPage", {"first": 7})
    per_call = (time.perf_counter() - start) / calls * 1e3
    text = queries.load("OrdersPage")
    start = time.perf_counter()
    for _ in range(calls):
        estimate_cost(text, {"first": 7})
    return per_call, (time.perf_counter() - start) / calls * 1e3


def _child(source: str, window: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.client_bench", "--measure", source,
                          "--window", str(window)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--window", type=int, default=10_000)
    parser.add_argument("--append", type=Path)
    parser.add_argument("--measure")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.window)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.jsonl"
        t0 = time.perf_counter()
        generate(path, args.lines)
        gen_s = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6
        lines = sum(1 for _ in path.open("rb"))
        file_run = _child(str(path), args.window)
        server, base = _serve(Path(tmp))
        try:
            http_run = _child(f"{base}/orders.jsonl", args.window)
        finally:
            server.shutdown()
    per_call, per_estimate = client_overhead()
    rows = []
    for name, run in (("file", file_run), ("HTTP stream (loopback)", http_run)):
        assert run["roots"] + run["children"] == lines, "objects lost"
        rows.append(f"| {name} | {lines:,} | {size_mb:.1f} | {run['seconds']:.2f} | "
                    f"{lines / run['seconds']:,.0f} | {size_mb / run['seconds']:.1f} | "
                    f"{run['rss_peak_kb'] / 1024:.0f} (start {run['rss_before_kb'] / 1024:.0f}) | "
                    f"{int(run['late_groups']):,} |")
    report = "\n".join([
        "",
        f"### Bulk JSONL parse + assemble (`xsight.shopify.jsonl`), window {args.window:,} lines",
        "",
        f"{time.strftime('%Y-%m-%d', time.gmtime())}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs (shared with other work), BulkOrders-shaped file generated in {gen_s:.1f}s "
        f"({LATE_SHARE:.0%} of line items written up to {LATE_FLUSH_EVERY} orders late). "
        "Each source is read in a fresh child process; peak RSS is that process's maximum.",
        "",
        f"Command: `.venv/bin/python -m bench.client_bench --lines {args.lines} --window {args.window}`",
        "",
        "| source | lines | MB | seconds | lines/s | MB/s | peak RSS MB | late groups |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"AdminClient overhead (OrdersPage, mock transport, no network): {per_call:.2f} ms per `execute`, "
        f"of which {per_estimate:.2f} ms is `estimate_cost`.",
        "",
    ])
    print(report)
    if args.append:
        _append(args.append, report)


def _append(path: Path, report: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = "# Benchmarks\n\nResults of `bench/`; newest entries last.\n"
    text = path.read_text() if path.exists() else fresh
    if "\n## Shopify client\n" not in text:
        text += "\n## Shopify client\n"
    path.write_text(text + report)


if __name__ == "__main__":
    main()
