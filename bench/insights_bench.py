"""Time the per-shop analytics (rollup rebuild, dashboard, analytics endpoints, recompute) on a big shop.

Run: .venv/bin/python -m bench.insights_bench [--customers 200000]   (SQLite in a temp folder)
     DATABASE_URL=postgresql://... .venv/bin/python -m bench.insights_bench
Orders are simulated (BG/NBD, ~5 per customer) and bulk-inserted; every figure is printed next to a
baseline of plain SQL over the raw tables, on the same data in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert, inspect, text

from bench.proc_cpu import cpu_seconds
from tests.conftest import ShopifyHelper, make_settings, reset_database
from xsight import create_app
from xsight.analytics.simulate import simulate_log
from xsight.extensions import db
from xsight.models import Customer, Order, OrderLineItem, Refund, RefundLineItem, Shop
from xsight.ops.heap import freeze_startup_heap
from xsight.services import insights_recompute, rollups

END = datetime(2026, 11, 20, tzinfo=UTC)
WEEKS = 156.0
CHUNK = 20_000
ANALYTICS_PATHS = ("rfm", "cohorts?months=12", "predictions", "model-quality")
DERIVED = ("customer_predictions", "model_runs", "order_events", "daily_shop", "customer_stats",
           "customer_months", "customer_days", "range_counts", "customer_month_spend")


def p95(samples: list[float]) -> float:
    """Return the 95th percentile in milliseconds."""
    return float(np.percentile(np.array(samples) * 1000, 95))


CPU: dict[str, float] = {}  # this process's CPU seconds of each labelled step (less sensitive to other load)


def backends() -> list[int]:
    """Return the local PostgreSQL backends connected to the bench's database (none for SQLite).

    Only this database's: other sessions' test suites may share the server. Call in an app context.
    """
    if db.engine.dialect.name != "postgresql":
        return []
    pids = db.session.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"))
    found = list(pids.scalars())
    db.session.commit()
    return found


def server_cpu() -> float:
    """Return the CPU seconds used so far by the bench database's backends (bench/proc_cpu.py)."""
    return cpu_seconds(backends())


def timed(fn: Callable[[], Any], label: str = "") -> float:
    """Return the wall time of one call in seconds (and log it and its CPU time when labelled)."""
    s0 = server_cpu() if label else 0.0
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    if label:
        CPU[label] = cpu
        server = server_cpu() - s0
        extra = f", PostgreSQL backend CPU {server:.2f} s" if server else ""
        print(f"{label}: {elapsed:.2f} s (CPU {cpu:.2f} s{extra})", file=sys.stderr, flush=True)
    return elapsed


def _bulk(table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start:start + CHUNK])


def generate(shop_id: int, customers: int, seed: int) -> int:
    """Insert a simulated shop: customers, one line per order, ~8 % refunded, ~3 % cancelled, some tests."""
    rng = np.random.default_rng(seed)
    log = simulate_log(rng, customers, r=0.45, alpha=6.0, a=0.6, b=3.5, p=6.0, q=4.0, gamma=15.0,
                       horizon=WEEKS, acquisition_span=WEEKS * 0.7)
    start = END - timedelta(weeks=WEEKS)
    _bulk(Customer.__table__, [{"id": i + 1, "shop_id": shop_id, "shopify_gid": f"gid://shopify/Customer/{i}",
                                "first_name": "C", "last_name": str(i), "email": f"c{i}@example.com",
                                "tags": [], "synced_at": END} for i in range(customers)])
    n = len(log.customer_ids)
    u = rng.random((n, 3))
    orders, lines, refunds, refund_lines = [], [], [], []
    for i, (cid, t, amount) in enumerate(zip(log.customer_ids.tolist(), log.times.tolist(),
                                             log.amounts.tolist(), strict=True)):
        at = start + timedelta(weeks=t)
        price = Decimal(f"{max(amount, 1.0):.2f}")
        cancelled = at + timedelta(hours=5) if u[i, 1] < 0.03 else None
        orders.append({"id": i + 1, "shop_id": shop_id, "shopify_gid": f"gid://shopify/Order/{i}",
                       "customer_gid": f"gid://shopify/Customer/{cid}", "customer_id": int(cid) + 1,
                       "processed_at": at, "cancelled_at": cancelled, "test": bool(u[i, 2] < 0.005),
                       "currency_code": "USD", "tags": [], "total_price": price, "synced_at": END})
        lines.append({"id": i + 1, "shop_id": shop_id, "shopify_gid": f"gid://shopify/LineItem/{i}",
                      "order_id": i + 1, "title": "t", "quantity": 1, "original_unit_price": price,
                      "total_discount": Decimal(0), "total_tax": Decimal(0), "is_gift_card": False,
                      "synced_at": END})
        if u[i, 0] < 0.08 and cancelled is None:
            rid = len(refunds) + 1
            refunds.append({"id": rid, "shop_id": shop_id, "shopify_gid": f"gid://shopify/Refund/{i}",
                            "order_id": i + 1, "processed_at": at + timedelta(days=9), "synced_at": END})
            refund_lines.append({"id": rid, "shop_id": shop_id, "shopify_gid": f"gid://shopify/RLI/{i}",
                                 "refund_id": rid, "quantity": 1, "subtotal": price, "total_tax": Decimal(0),
                                 "is_gift_card": False, "synced_at": END})
    for table, rows in ((Order.__table__, orders), (OrderLineItem.__table__, lines),
                        (Refund.__table__, refunds), (RefundLineItem.__table__, refund_lines)):
        _bulk(table, rows)
    db.session.commit()
    return n


def baseline_dashboard(shop_id: int, start: date, end: date) -> None:
    """Plain SQL over raw tables: totals, returns, distinct customers, top 5 (UTC days)."""
    p = {"s": shop_id, "a": datetime.combine(start, datetime.min.time()),
         "b": datetime.combine(end + timedelta(days=1), datetime.min.time())}
    q = ("FROM orders o JOIN order_line_items li ON li.order_id = o.id AND li.shop_id = o.shop_id "
         "WHERE o.shop_id = :s "
         "AND o.processed_at >= :a AND o.processed_at < :b AND o.test = false AND li.is_gift_card = false")
    db.session.execute(text("SELECT count(DISTINCT o.id), sum(li.quantity * li.original_unit_price), "
                            "sum(li.total_discount), count(DISTINCT o.customer_gid) " + q), p).all()
    db.session.execute(text("SELECT sum(rli.subtotal) FROM refunds r JOIN refund_line_items rli ON "
                            "rli.refund_id = r.id AND rli.shop_id = r.shop_id WHERE r.shop_id = :s "
                            "AND r.processed_at >= :a AND r.processed_at < :b"), p).all()
    db.session.execute(text("SELECT o.customer_gid, sum(li.quantity * li.original_unit_price - "
                            "li.total_discount) AS s " + q + " GROUP BY o.customer_gid ORDER BY s DESC "
                            "LIMIT 5"), p).all()


def baseline_rfm(shop_id: int) -> None:
    """Plain SQL: per-customer R, F, M and NTILE(5) scores over raw orders."""
    db.session.execute(text(
        "SELECT customer_gid, NTILE(5) OVER (ORDER BY last DESC), NTILE(5) OVER (ORDER BY n), "
        "NTILE(5) OVER (ORDER BY m) FROM (SELECT o.customer_gid, max(o.processed_at) AS last, "
        "count(*) AS n, sum(li.quantity * li.original_unit_price) AS m FROM orders o JOIN order_line_items "
        "li ON li.order_id = o.id AND li.shop_id = o.shop_id WHERE o.shop_id = :s AND o.test = false "
        "AND o.cancelled_at IS NULL "
        "GROUP BY o.customer_gid) t"), {"s": shop_id}).all()


def baseline_cohorts(shop_id: int, postgres: bool) -> None:
    """Plain SQL: cohort x month active customers and revenue over raw orders."""
    month = "to_char(o.processed_at, 'YYYY-MM')" if postgres else "strftime('%Y-%m', o.processed_at)"
    first = month.replace("o.processed_at", "min(o.processed_at)")
    db.session.execute(text(
        f"WITH f AS (SELECT o.customer_gid, {first} AS cohort FROM orders o WHERE o.shop_id = :s "
        "AND o.test = false AND o.cancelled_at IS NULL GROUP BY o.customer_gid) "
        f"SELECT f.cohort, {month} AS m, count(DISTINCT o.customer_gid), sum(o.total_price) FROM orders o "
        "JOIN f ON f.customer_gid = o.customer_gid WHERE o.shop_id = :s AND o.test = false "
        "AND o.cancelled_at IS NULL GROUP BY f.cohort, m"), {"s": shop_id}).all()


def _existing_shop() -> int | None:
    """Return the bench shop's id when a previous run left its raw rows (same --customers assumed)."""
    try:
        sid = db.session.execute(text("SELECT id FROM shops WHERE domain = 'bench.myshopify.com'")).scalar()
        return sid if sid and db.session.execute(text("SELECT count(*) FROM orders")).scalar() else None
    except Exception:  # no tables yet
        db.session.rollback()
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--reuse", metavar="SQLITE_FILE", nargs="?", const="",
                        help="keep the raw rows between runs (SQLite: in this file; PostgreSQL: in the "
                        "database)")
    parser.add_argument("--generate-only", action="store_true", help="stop after the raw rows are written")
    parser.add_argument("--recompute-only", action="store_true",
                        help="with --reuse: keep the rollups of the last run and time one insights recompute")
    parser.add_argument("--http-only", action="store_true",
                        help="with --reuse: keep the rollups and results of the last run and time only the "
                        "endpoints, without the plain-SQL baselines")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="insights-bench-"))
    sqlite_file = Path(args.reuse) if args.reuse else folder / "bench.sqlite3"
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{sqlite_file}"
    app = create_app(make_settings(folder / "instance", DATABASE_URL=url, RATE_LIMIT_PER_SECOND=10_000,
                                   RATE_LIMIT_BURST=10_000))
    freeze_startup_heap()  # as wsgi.py does in every web process
    postgres = url.startswith("postgres")
    rows: list[tuple[str, str, str]] = []
    with app.app_context():
        existing = _existing_shop() if args.reuse is not None else None
        if existing is None:
            reset_database()
            db.create_all()
            shop = Shop(domain="bench.myshopify.com", currency="USD", iana_timezone="America/New_York",
                        installed=True)
            db.session.add(shop)
            db.session.commit()
            sid = shop.id
            t_gen = timed(lambda: generate(sid, args.customers, 20261126), "generate")
        else:
            db.session.commit()  # end the read transaction before DROP takes its locks (PostgreSQL)
            if args.recompute_only:
                if inspect(db.engine).get_foreign_keys("customer_predictions"):
                    print("warning: customer_predictions still has foreign keys (a schema before 0013): "
                          "run `python -m bench.reused_schema --stamp 0012` on this database first",
                          file=sys.stderr)
                timed(lambda: insights_recompute.recompute(existing), "recompute")
                print(f"load average: {os.getloadavg()}")
                return
            if args.http_only:
                _endpoints(app, existing, args.samples, None, None, rows, postgres)
                return
            # Keep only the raw rows: derived tables are recreated from the current models.
            for name in DERIVED:
                db.metadata.tables[name].drop(db.engine, checkfirst=True)
            db.create_all()
            sid, t_gen = existing, float("nan")
            print(f"reusing the raw rows of shop {sid}", file=sys.stderr)
        n_orders = db.session.execute(text("SELECT count(*) FROM orders")).scalar()
        if args.generate_only:
            return
        if postgres:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        t_rebuild = timed(lambda: (rollups.rebuild(db.session, sid), db.session.commit()), "rebuild")
        setup = "reused" if t_gen != t_gen else f"{t_gen:.1f} s"  # NaN: rows of an earlier run
        rows.append(("bulk insert of raw rows (setup)", setup, "-"))
        rows.append(("rollups.rebuild (end of backfill)", f"{t_rebuild:.1f} s (CPU {CPU['rebuild']:.1f} s)",
                     "-"))
        one = ["gid://shopify/Order/12345"]
        t_refresh = min(timed(lambda: (rollups.refresh(db.session, sid, order_gids=one), db.session.commit()))
                        for _ in range(5))
        rows.append(("rollups.refresh, one order (webhook)", f"{t_refresh * 1000:.1f} ms", "-"))
        if postgres:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        t_recompute = timed(lambda: insights_recompute.recompute(sid), "recompute")
        rows.append(("full recompute (RFM + cohorts + BG/NBD + GG + predictions + holdout)",
                     f"{t_recompute:.2f} s (CPU {CPU['recompute']:.2f} s)", "-"))
        t_base_rfm = min(timed(lambda: baseline_rfm(sid)) for _ in range(2))
        t_base_coh = min(timed(lambda: baseline_cohorts(sid, postgres)) for _ in range(2))
    _endpoints(app, sid, args.samples, t_base_rfm, t_base_coh, rows, postgres, args.customers, n_orders)


def _plain(ms: float, measured: bool) -> str:
    return f"{ms:.1f} ms" if measured else "-"


def _endpoints(app: Any, sid: int, samples: int, t_base_rfm: float | None, t_base_coh: float | None,
               rows: list[tuple[str, str, str]], postgres: bool, customers: int | None = None,
               n_orders: int | None = None) -> None:
    """Time the dashboard and analytics endpoints (and the baselines when given) and print the table."""
    baseline = t_base_rfm is not None
    client, auth = app.test_client(), ShopifyHelper()
    for path in ("dashboard?top=5", *(f"analytics/{p}" for p in ANALYTICS_PATHS)):  # warm (first request)
        assert client.get(f"/api/v1/{path}", headers=auth.auth("bench.myshopify.com")).status_code == 200
    rnd = random.Random(7)
    first_day = (END - timedelta(weeks=WEEKS)).date()
    dash: list[float] = []
    dash_cpu: list[float] = []
    base: list[float] = []
    lengths: list[int] = []
    # PostgreSQL server CPU of all dashboard requests (the /proc clock is too coarse for one): the backends
    # on the bench's database (incl. the app's, started by the warm-up), looked up once.
    with app.app_context():
        pids = backends()
    server_total = 0.0
    for _ in range(samples):
        length = rnd.choice([7, 30, 90, 365, 730])
        start = first_day + timedelta(days=rnd.randrange(int(WEEKS * 7) - length))
        end = start + timedelta(days=length - 1)
        lengths.append(length)
        headers = auth.auth("bench.myshopify.com")
        s0 = cpu_seconds(pids)
        t0, c0 = time.perf_counter(), time.process_time()
        r = client.get(f"/api/v1/dashboard?start={start}&end={end}&top=5", headers=headers)
        dash.append(time.perf_counter() - t0)
        dash_cpu.append(time.process_time() - c0)
        server_total += cpu_seconds(pids) - s0
        assert r.status_code == 200, r.json
        if baseline:
            with app.app_context():
                base.append(timed(lambda s=start, e=end: baseline_dashboard(sid, s, e)))
        else:
            base.append(float("nan"))
    rows.append((f"GET /dashboard p95 ({samples} random ranges of 7-730 days)",
                 f"{p95(dash):.1f} ms (CPU {p95(dash_cpu):.1f} ms)", _plain(p95(base), baseline)))
    if postgres:
        rows.append(("GET /dashboard, PostgreSQL backend CPU per request (mean of all)",
                     f"{server_total / samples * 1000:.1f} ms", "-"))
    for length in (7, 30, 90, 365, 730):
        mine = [t for t, n in zip(dash, lengths, strict=True) if n == length]
        cpu = [t for t, n in zip(dash_cpu, lengths, strict=True) if n == length]
        theirs = [t for t, n in zip(base, lengths, strict=True) if n == length]
        if mine:
            rows.append((f"GET /dashboard, {length}-day ranges ({len(mine)}): max",
                         f"{max(mine) * 1000:.1f} ms (CPU {max(cpu) * 1000:.1f} ms)",
                         _plain(max(theirs) * 1000, baseline)))
    for path, base_s in zip(ANALYTICS_PATHS, (t_base_rfm, t_base_coh, None, None), strict=True):
        times, cpus = [], []
        for _ in range(samples):
            headers = auth.auth("bench.myshopify.com")
            t0, c0 = time.perf_counter(), time.process_time()
            r = client.get(f"/api/v1/analytics/{path}", headers=headers)
            times.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
            assert r.status_code == 200
        rows.append((f"GET /analytics/{path} p95", f"{p95(times):.1f} ms (CPU {p95(cpus):.1f} ms)",
                     f"{base_s * 1000:.0f} ms" if base_s else "-"))
    backend = "PostgreSQL" if postgres else "SQLite"
    print(f"load average at the end: {os.getloadavg()}")
    print(f"\n{backend}: {customers or 'reused'} customers, {n_orders or 'reused'} orders\n")
    print("| step | XSight | plain SQL over raw tables |\n|---|---:|---:|")
    for step, ours, plain in rows:
        print(f"| {step} | {ours} | {plain} |")


if __name__ == "__main__":
    main()
