"""CPU time of the dashboard and its range parts on the bench shop left by `insights_bench --reuse`.

Run: .venv/bin/python -m bench.dashboard_parts /tmp/insights-bench.sqlite3
     DATABASE_URL=postgresql://.../xsight_bench .venv/bin/python -m bench.dashboard_parts
Best of 5 warm calls of this process's CPU time (`time.process_time`), which the other sessions' load
barely moves (on PostgreSQL it leaves out the server's share), and the median wall time of the whole
dashboard over 15 calls (which includes every round trip to the server).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.conftest import make_settings
from xsight import create_app
from xsight.extensions import db
from xsight.models import Shop
from xsight.services import dashboard, range_queries

START = date(2024, 3, 5)


def cpu_ms(fn: Callable[[], Any], repeats: int = 5) -> float:
    """Return the smallest CPU time of `repeats` calls, in milliseconds."""
    best = float("inf")
    for _ in range(repeats):
        c0 = time.process_time()
        fn()
        best = min(best, time.process_time() - c0)
    return best * 1000


def wall_ms(fn: Callable[[], Any], repeats: int = 15) -> float:
    """Return the median wall time of `repeats` calls, in milliseconds."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2] * 1000


def main() -> None:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{sys.argv[1]}"
    app = create_app(make_settings(Path(tempfile.mkdtemp()) / "instance", DATABASE_URL=url))
    with app.app_context():
        shop = db.session.scalars(select(Shop).where(Shop.domain == "bench.myshopify.com")).one()
        print(f"load average: {os.getloadavg()}\n")
        print("| range | whole dashboard CPU | its median wall | distinct + new + returning (one period) CPU "
              "| top 5 customers CPU |")
        print("|---:|---:|---:|---:|---:|")
        for days in (7, 30, 90, 365, 730):
            end = START + timedelta(days=days - 1)
            whole = cpu_ms(lambda e=end: dashboard.dashboard(shop, START, e, 5))
            counts = cpu_ms(lambda e=end: range_queries.customer_counts(shop.id, START, e))
            top = cpu_ms(lambda e=end: range_queries.top_spenders(shop.id, START, e, 5))
            wall = wall_ms(lambda e=end: dashboard.dashboard(shop, START, e, 5))
            print(f"| {days} days | {whole:.1f} ms | {wall:.1f} ms | {counts:.1f} ms | {top:.1f} ms |")


if __name__ == "__main__":
    main()
