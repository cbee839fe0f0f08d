"""Backfill from finished bulk files vs the raw ceiling (parse JSONL + driver bulk insert).

Usage: python -m bench.backfill_bench --orders 100000 [--database-url postgresql://...]
Writes Shopify-shaped bulk JSONL (customers; orders with line items as child lines, interleaved),
then times, each in a fresh process so peak RSS is its own:
  ceiling  - json.loads every line and insert plain tuples with the driver (executemany / COPY);
  ceiling-orjson - the same with orjson, the parser XSight uses;
  xsight   - the real path: parse (orjson, in a child process) -> bulk_load (stored tuples,
             newest-wins upserts, parent ids resolved in SQL) -> commit every 50,000 (SQLite)
             or 20,000 (PostgreSQL) lines -> link orders to customers;
             then, timed apart, the end-of-backfill rollups.rebuild.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

LINES_PER_ORDER = 1.87  # line items per order in the issue's reference shop
SCAN_TRIES = 5  # /proc scans of the server's processes before server_cpu gives up


def write_files(folder: Path, orders: int, seed: int = 7) -> tuple[Path, Path]:
    """Write customers.jsonl and orders.jsonl the way Shopify's bulk export lays them out."""
    rng = random.Random(seed)
    customers = max(1, orders // 5)
    cpath, opath = folder / "customers.jsonl", folder / "orders.jsonl"
    with cpath.open("w") as out:
        for c in range(1, customers + 1):
            out.write(json.dumps({
                "id": f"gid://shopify/Customer/{c}", "firstName": f"F{c}", "lastName": f"L{c}",
                "defaultEmailAddress": {"emailAddress": f"c{c}@example.com",
                                        "marketingState": "SUBSCRIBED"},
                "defaultAddress": {"countryCodeV2": "US"}, "tags": ["vip"], "state": "ENABLED",
                "createdAt": "2025-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z",
                "amountSpent": {"amount": "100.00", "currencyCode": "USD"},
                "numberOfOrders": "3"}) + "\n")
    pending: list[str] = []  # children written a little late, interleaved with later orders
    line_id = 0
    with opath.open("w") as out:
        for o in range(1, orders + 1):
            gid = f"gid://shopify/Order/{o}"
            money = {"shopMoney": {"amount": f"{rng.randint(500, 30000) / 100:.2f}",
                                   "currencyCode": "USD"}}
            out.write(json.dumps({
                "id": gid, "name": f"#{1000 + o}", "createdAt": "2026-01-01T10:00:00Z",
                "updatedAt": "2026-01-02T10:00:00Z", "processedAt": "2026-01-01T10:00:00Z",
                "cancelledAt": None, "test": False, "currencyCode": "USD",
                "displayFinancialStatus": "PAID", "tags": [], "taxesIncluded": False,
                "customer": {"id": f"gid://shopify/Customer/{rng.randint(1, customers)}"},
                "subtotalPriceSet": money, "totalDiscountsSet": {"shopMoney": {"amount": "0.00"}},
                "totalShippingPriceSet": {"shopMoney": {"amount": "5.00"}}, "totalTaxSet": money,
                "totalPriceSet": money, "totalRefundedSet": {"shopMoney": {"amount": "0.00"}},
                "refunds": []}) + "\n")
            for _ in range(1 + (rng.random() < LINES_PER_ORDER - 1)):
                line_id += 1
                pending.append(json.dumps({
                    "id": f"gid://shopify/LineItem/{line_id}", "title": "Mug", "quantity": 1,
                    "isGiftCard": False, "product": {"id": "gid://shopify/Product/1"},
                    "originalUnitPriceSet": money, "discountAllocations": [], "taxLines": [],
                    "__parentId": gid}) + "\n")
            if len(pending) > 8:
                rng.shuffle(pending)
                out.writelines(pending[:4])
                del pending[:4]
        out.writelines(pending)
    return cpath, opath


def server_cpu(url: str) -> float | None:
    """Return the CPU seconds a local PostgreSQL cluster has used so far (None if not readable).

    The postmaster's own time, its live children's and its reaped children's (cutime/cstime), read
    from /proc: on a loaded machine this measures the server's work where wall time cannot.
    """
    if not url.startswith("postgres"):
        return None
    import psycopg

    try:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
            data_dir = conn.execute("SHOW data_directory").fetchone()[0]  # type: ignore[index]
        postmaster = int((Path(data_dir) / "postmaster.pid").read_text().split()[0])
        for _ in range(SCAN_TRIES):  # a backend that exits mid-scan is in neither sum: scan again
            with suppress(FileNotFoundError, ProcessLookupError):
                return _scan(postmaster)
            time.sleep(0.05)
        return None
    except (OSError, psycopg.Error, ValueError, IndexError):
        return None


def _scan(postmaster: int) -> float:
    """The postmaster's CPU seconds with its reaped children's, and its live children's."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = stat.read_text().rsplit(")", 1)[1].split()
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == postmaster:
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        elif ppid == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def checkpoint(url: str) -> None:
    """On PostgreSQL, write out what the previous mode left dirty before the next one starts.

    Otherwise the checkpointer flushes the previous run's gigabyte of pages during the next run, and
    the same code measured ~10 % slower when it ran second (eighth session).
    """
    if not url.startswith("postgres"):
        return
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def run_child(mode: str, folder: Path, database_url: str) -> dict[str, float]:
    """Run one measurement in a fresh process; return its time, peak RSS and server CPU."""
    checkpoint(database_url)
    env = {**os.environ, "BENCH_DATABASE_URL": database_url}
    out = subprocess.run([sys.executable, "-m", "bench.backfill_bench", "--child", mode,
                          "--folder", str(folder)], env=env, capture_output=True, text=True,
                         check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def child(mode: str, folder: Path) -> None:
    """Measure one mode in this process and print JSON."""
    from bench.backfill_modes import ceiling, ceiling_orjson, xsight

    measure = {"ceiling": ceiling, "ceiling-orjson": ceiling_orjson, "xsight": xsight}[mode]
    url = os.environ["BENCH_DATABASE_URL"]
    server_before = server_cpu(url)
    started, cpu = time.perf_counter(), time.process_time()
    counts = measure(folder, url)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    server_after = server_cpu(url)
    server = {} if server_before is None or server_after is None else {
        "server_cpu": server_after - server_before}
    # A mode may report its own timings (the XSight mode excludes app start-up and its rollups).
    print(json.dumps({"seconds": seconds, "cpu": cpu_seconds, "rss_mb": rss_mb, **server,
                      **counts}))


def main() -> None:
    """Generate the files, run both modes, print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--child")
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.folder))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        cpath, opath = write_files(folder, args.orders)
        size_mb = (cpath.stat().st_size + opath.stat().st_size) / 1e6
        print(f"generated {args.orders} orders ({size_mb:.0f} MB JSONL) in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
        url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
        ceiling = run_child("ceiling", folder, url)
        fast = run_child("ceiling-orjson", folder, url)
        ours = run_child("xsight", folder, url)
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print("\n| backend | orders | JSONL | ceiling (json) wall / CPU | ceiling (orjson) wall / CPU "
          "| XSight wall / CPU | ratio wall (json / orjson) | ratio CPU (json / orjson) "
          "| peak RSS (XSight) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {backend} | {args.orders:,} | {size_mb:.0f} MB | {ceiling['seconds']:.1f} / "
          f"{ceiling['cpu']:.1f} s | {fast['seconds']:.1f} / {fast['cpu']:.1f} s | "
          f"{ours['seconds']:.1f} / {ours['cpu']:.1f} s | "
          f"{ours['seconds'] / ceiling['seconds']:.2f}x / {ours['seconds'] / fast['seconds']:.2f}x | "
          f"{ours['cpu'] / ceiling['cpu']:.2f}x / {ours['cpu'] / fast['cpu']:.2f}x | "
          f"{ours['rss_mb']:.0f} MB; with the mapping process {ours['total_rss_mb']:.0f} MB |")
    if all("server_cpu" in run for run in (ceiling, fast, ours)):
        total = {name: run["cpu"] + run["server_cpu"]
                 for name, run in (("json", ceiling), ("orjson", fast), ("xsight", ours))}
        print(f"client + PostgreSQL server CPU: ceiling {total['json']:.1f} s, ceiling (orjson) "
              f"{total['orjson']:.1f} s, XSight {total['xsight']:.1f} s -> ratio "
              f"{total['xsight'] / total['json']:.2f}x / {total['xsight'] / total['orjson']:.2f}x")
    print(f"rows: ceiling {ceiling['rows']:,}, xsight {ours['rows']:,} "
          f"(orders left unlinked: {ours['unlinked']:,}); rollups.rebuild afterwards: "
          f"{ours['rollup_seconds']:.1f} s wall / {ours['rollup_cpu']:.1f} s CPU "
          f"(process peak RSS with the rollups: {ours['rollup_rss_mb']:.0f} MB)")
    print(f"mapping process peak {ours['child_rss_mb']:.0f} MB (sampled); "
          f"peak anonymous / file-backed resident memory: load {ours['anon_mb']:.0f} / "
          f"{ours['file_mb']:.0f} MB, rollups {ours['rollup_anon_mb']:.0f} / "
          f"{ours['rollup_file_mb']:.0f} MB")

if __name__ == "__main__":
    main()
