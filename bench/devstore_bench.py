"""Benchmark the simulated store: generator, GraphQL page serving and bulk JSONL export.

Run: .venv/bin/python bench/devstore_bench.py --orders 1000000 --customers 200000
Prints a Markdown table and replaces the devstore section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from xsight.devstore import start_store
from xsight.devstore.pagination import BULK_MODE
from xsight.devstore.schema import prepare, run

NOTES = (
    "Cost is Shopify's requested query cost. A 250-order page with line items exceeds Shopify's "
    "1000-point single-query limit, so over HTTP the store serves 250-order pages of order fields or "
    "40-order pages with up to 5 line items; the Resolver row runs 250-order pages with all line items "
    "in-process (graphql-core, no HTTP, no cost check). HTTP rows refill the rate-limit bucket between "
    "pages, so they measure the store, not the throttle. Bulk JSONL streams 250-order batches with constant "
    "memory. Generator memory grows with customers (an email and tags each) and by 12 bytes per order "
    "(purchase times), never with order documents."
)
START, END = "<!-- devstore-bench:start -->", "<!-- devstore-bench:end -->"
FLAT_250 = """query($after: String) { orders(first: 250, after: $after) { pageInfo { hasNextPage endCursor }
  nodes { id name processedAt updatedAt displayFinancialStatus totalPriceSet { shopMoney { amount } } } } }"""
LINES_40 = """query($after: String) { orders(first: 40, after: $after) { pageInfo { hasNextPage endCursor }
  nodes { id name totalPriceSet { shopMoney { amount } } lineItems(first: 5) { nodes { id quantity
  originalUnitPriceSet { shopMoney { amount } } } } } } }"""
FULL_250 = """query($after: String) { orders(first: 250, after: $after) { pageInfo { hasNextPage endCursor }
  nodes { id name processedAt updatedAt displayFinancialStatus customer { id }
  totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  totalRefundedSet { shopMoney { amount } } lineItems(first: 50) { nodes { id quantity sku isGiftCard
  originalUnitPriceSet { shopMoney { amount } } taxLines { priceSet { shopMoney { amount } } }
  discountAllocations { allocatedAmountSet { shopMoney { amount } } } } } } } }"""
BULK = """{ orders { edges { node { id name processedAt updatedAt displayFinancialStatus customer { id }
  totalPriceSet { shopMoney { amount currencyCode } } totalRefundedSet { shopMoney { amount } }
  lineItems { edges { node { id quantity originalUnitPriceSet { shopMoney { amount } } } } } } } } }"""


def bench_generate(db: Path, orders: int, customers: int | None, seed: int) -> dict[str, Any]:
    """Generate the shop in a child process; return wall time, peak RSS and sizes."""
    cmd = [
        sys.executable,
        "-m",
        "xsight.devstore",
        "generate",
        "--db",
        str(db),
        "--orders",
        str(orders),
        "--seed",
        str(seed),
    ]
    if customers:
        cmd += ["--customers", str(customers)]
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary = json.loads(out)
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    return {"seconds": seconds, "rss_mb": rss_mb, "db_mb": size / 1e6, **summary}


def bench_pages(handle: Any, query: str, pages: int) -> dict[str, Any]:
    """Fetch up to `pages` pages over HTTP (bucket refilled between pages); return pages/s."""
    token = handle.access_token()
    client = httpx.Client(timeout=60, headers={"X-Shopify-Access-Token": token, "Host": handle.shop})
    client.post(handle.graphql_url(), json={"query": query})  # warm-up: schema load, parse, validate
    after, done, rows, cost = None, 0, 0, 0
    start = time.perf_counter()
    while done < pages:
        handle.services.throttle.reset()
        body = client.post(handle.graphql_url(), json={"query": query, "variables": {"after": after}}).json()
        assert "errors" not in body, body["errors"]
        conn = body["data"]["orders"]
        rows += len(conn["nodes"])
        cost = body["extensions"]["cost"]["requestedQueryCost"]
        done += 1
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    seconds = time.perf_counter() - start
    return {"pages": done, "orders": rows, "seconds": seconds, "pages_s": done / seconds, "cost": cost}


def bench_resolver(handle: Any, pages: int) -> dict[str, Any]:
    """Resolve 250-order pages with all line items in-process (no HTTP, no cost limit)."""
    doc, errors = prepare(FULL_250)
    assert doc is not None, errors
    run(doc, handle.services.ctx(handle.shop), {"after": None}, None)  # warm-up
    after, done, lines = None, 0, 0
    start = time.perf_counter()
    while done < pages:
        result = run(doc, handle.services.ctx(handle.shop), {"after": after}, None)
        assert not result.errors and result.data is not None, result.errors
        conn = result.data["orders"]
        lines += sum(len(n["lineItems"]["nodes"]) for n in conn["nodes"])
        done += 1
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    seconds = time.perf_counter() - start
    return {"pages": done, "line_items": lines, "seconds": seconds, "pages_s": done / seconds}


def bench_bulk(handle: Any) -> dict[str, Any]:
    """Run a bulk export of every order with its line items; return time, objects and size."""
    runner, storage = handle.services.bulk, handle.services.storage
    start = time.perf_counter()
    op_id, errors = runner.start(handle.shop, BULK)
    assert not errors, errors
    while True:
        row = storage.query(
            "SELECT status, object_count, root_object_count, file_size, path FROM bulk_ops WHERE id=?",
            (op_id,),
        )[0]
        if row[0] in ("COMPLETED", "FAILED"):
            break
        time.sleep(0.5)
    seconds = time.perf_counter() - start
    assert row[0] == "COMPLETED", row
    Path(row[4]).unlink()
    return {
        "seconds": seconds,
        "objects": row[1],
        "roots": row[2],
        "mb": row[3] / 1e6,
        "objects_s": row[1] / seconds,
    }


def table(
    gen: dict[str, Any],
    flat: dict[str, Any],
    lines: dict[str, Any],
    res: dict[str, Any],
    bulk: dict[str, Any] | None,
    rss_mb: float,
) -> str:
    """Return the results as a Markdown table."""
    size = f"{gen['orders']:,} orders / {gen['customers']:,} customers"
    rows = [
        (
            "Generator (child process)",
            size,
            f"{gen['seconds']:.1f} s, peak RSS {gen['rss_mb']:.0f} MB, SQLite {gen['db_mb']:.0f} MB",
        ),
        (
            "HTTP pages: 250 orders, flat fields",
            f"{flat['pages']} pages, cost {flat['cost']}",
            f"{flat['pages_s']:.1f} pages/s ({flat['pages_s'] * 250:.0f} orders/s)",
        ),
        (
            "HTTP pages: 40 orders + ≤5 line items",
            f"{lines['pages']} pages, cost {lines['cost']}",
            f"{lines['pages_s']:.1f} pages/s",
        ),
        (
            "Resolver: 250 orders + all line items (no HTTP, over cost limit)",
            f"{res['pages']} pages, {res['line_items']:,} line items",
            f"{res['pages_s']:.1f} pages/s",
        ),
    ]
    if bulk:
        rows.append(
            (
                "Bulk JSONL: all orders + line items",
                f"{bulk['roots']:,} orders, {bulk['objects']:,} lines",
                f"{bulk['seconds']:.1f} s, {bulk['mb']:.0f} MB, {bulk['objects_s']:,.0f} lines/s",
            )
        )
    rows.append(("Bench process peak RSS (store + bulk)", size, f"{rss_mb:.0f} MB"))
    out = ["| Benchmark | Measured at | Result |", "|---|---|---|"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(out)


def write_section(path: Path, text: str) -> None:
    """Replace (or append) the devstore section of docs/benchmarks.md."""
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{START}\n{text}\n{END}"
    if START in old and END in old:
        new = old[: old.index(START)] + block + old[old.index(END) + len(END) :]
    else:
        new = old.rstrip() + "\n\n" + block + "\n"
    path.write_text(new if new.endswith("\n") else new + "\n")


def main() -> int:
    """Run the benchmarks."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--customers", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", type=int, default=40, help="pages per page benchmark")
    parser.add_argument("--skip-bulk", action="store_true")
    parser.add_argument("--workdir", help="where the store database goes (default: a temp dir, removed)")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="devstore-bench-"))
    db = work / "bench.sqlite"
    if db.exists():
        raise SystemExit(f"{db} exists; pass an empty --workdir.")
    gen = bench_generate(db, args.orders, args.customers, args.seed)
    handle = start_store(db_path=str(db), bulk_dir=str(work / "bulk"))
    try:
        flat = bench_pages(handle, FLAT_250, args.pages)
        lines = bench_pages(handle, LINES_40, args.pages)
        token = BULK_MODE.set(False)
        res = bench_resolver(handle, max(4, args.pages // 4))
        BULK_MODE.reset(token)
        bulk = None if args.skip_bulk else bench_bulk(handle)
    finally:
        handle.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text = table(gen, flat, lines, res, bulk, rss_mb)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    host = (
        f"{platform.machine()}, {os.cpu_count()} CPUs (load average {load} at the end), Python "
        f"{platform.python_version()}"
    )
    section = (
        f"## Simulated store (`bench/devstore_bench.py`)\n\n"
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
        f"on {host} with `--orders {args.orders}"
        f"{f' --customers {args.customers}' if args.customers else ''} --seed {args.seed}`.\n\n"
        f"{text}\n\n{NOTES}\n"
    )
    print(section)
    write_section(Path(args.out), section)
    for p in sorted(work.glob("bench.sqlite*")):
        p.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
