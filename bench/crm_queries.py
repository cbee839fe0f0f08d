"""Time the customer list's SQL alone, per bench case: the counts, the first and a deep page.

Run: .venv/bin/python -m bench.crm_queries [customers]      (SQLite in a temp folder)
     DATABASE_URL=postgresql://... .venv/bin/python -m bench.crm_queries [customers]
Counts: COUNT(*) over the page's conditions (what every total ran before decision 042) and the
statement `GET /customers` runs for its total (`customer_filters.count_query`, decision 042).
Best of 5 per query, wall-clock and this process's CPU time (on SQLite the database runs in this
process, so CPU time is the query's own cost and barely moves with other load on the machine; on
PostgreSQL it only covers the client, so a third figure is the local server's CPU per run, from
/proc over 20 more runs, parallel workers included). Also the segment preview's count.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench import proc_cpu
from bench.crm_bench import CASES, deep_cursor
from bench.crm_data import build
from bench.segments_bench import THREE_LEVELS
from tests.conftest import make_settings, reset_database
from xsight import create_app
from xsight.extensions import db
from xsight.models import Shop
from xsight.services.crm import keyset, planner
from xsight.services.crm.customer_filters import conditions, count_query
from xsight.services.crm.customer_list import _page_keys, sort_key
from xsight.services.crm.facts import customer_facts
from xsight.services.segments import query
from xsight.services.segments.text import parse

SERVER_RUNS = 20  # /proc counts CPU in clock ticks (10 ms): average over many runs


def best(fn: Callable[[], Any], n: int = 5) -> tuple[float, ...]:
    """Return the best wall and CPU milliseconds of n runs, and on PostgreSQL the server's CPU per run."""
    wall = cpu = float("inf")
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    postgres = db.engine.dialect.name == "postgresql"
    server = proc_cpu.server_pids(str(db.engine.url), "postgres") if postgres else []
    if not server:
        return wall * 1000, cpu * 1000
    before = proc_cpu.cpu_seconds(server)
    for _ in range(SERVER_RUNS):
        fn()
    return wall * 1000, cpu * 1000, (proc_cpu.cpu_seconds(server) - before) / SERVER_RUNS * 1000


def case(shop: Shop, q: str, f: Any) -> list[tuple[float, ...]]:
    """Return the timings of one case's two counts, first page keys and deep page keys."""
    params = dict(part.split("=", 1) for part in q.split("&") if part)
    sort, direction = params.get("sort", "amount_spent"), params.get("direction", "desc")
    facts = customer_facts(shop.id)
    where = conditions(shop, facts, f)
    key, walk = sort_key(facts, sort, direction)
    cursor = deep_cursor(shop, q, f)
    deep = keyset.decode(cursor, sort, direction, key.kind) if cursor else None
    plain, total = select(func.count()).select_from(facts).where(*where), count_query(shop, facts, f)
    if db.session.scalar(plain) != db.session.scalar(total):
        raise AssertionError(f"{q}: the total's count differs from COUNT(*) of the page conditions")
    return [best(lambda: db.session.scalar(plain)),
            best(lambda: db.session.scalar(total)),
            best(lambda: _page_keys(facts, where, key, walk, None, 51)),
            best(lambda: _page_keys(facts, where, key, walk, deep, 51))]


def main() -> None:
    """Build the shop, then time every case's queries and print a Markdown table."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(make_settings(Path(folder)))
        with app.app_context():
            reset_database()
            db.create_all()
            shop = Shop(domain="bench-queries.myshopify.com", installed=True,
                        iana_timezone="America/New_York")
            db.session.add(shop)
            db.session.commit()
            build(db.session, shop.id, n)
            planner.interactive(db.session)
            print(f"{n:,} customers on {db.engine.dialect.name}; best of 5, ms wall / ms CPU"
                  " (PostgreSQL: / ms server CPU per run)\n")
            print("| case | COUNT(*) of the page conditions | total's count (count_query) | first page keys "
                  "| deep page keys |\n|---|---:|---:|---:|---:|")
            for label, q, f in CASES:
                cells = [" / ".join(f"{v:.1f}" for v in timed) for timed in case(shop, q, f)]
                print(f"| {label} | " + " | ".join(cells) + " |", flush=True)
            facts, rule = query.condition(shop, parse(THREE_LEVELS))
            timed = best(lambda: db.session.scalar(select(func.count()).select_from(facts).where(rule)))
            print("\nsegment preview count (three-level rule): " + " / ".join(f"{v:.1f}" for v in timed)
                  + " ms (wall / CPU / server CPU)")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
