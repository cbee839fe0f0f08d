"""Time `GET /api/v1/customers` pages on a shop of 200k customers (p50/p95 over repeated requests).

Run: .venv/bin/python -m bench.crm_bench [customers] [repeats]
On SQLite by default (a fresh file in a temp folder); with DATABASE_URL=postgresql://... on PostgreSQL
(the database is emptied first). Prints a Markdown table: first and deep pages, with and without a
filter, sorted on an indexed and on a non-indexed column. Each request goes through the whole stack
(session token check, rate limiter, filters, count, page, JSON). "warm" repeats a request whose total
is cached for the current facts version (what paging through a list does); "cold" forgets every cached
total before each request, so each one counts its matches (a new filter, or the first page after a write).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bench.crm_data import build
from tests.conftest import ShopifyHelper, make_settings, reset_database
from xsight import create_app
from xsight.extensions import db
from xsight.models import Shop
from xsight.services.crm import keyset, totals
from xsight.services.crm.customer_filters import CustomerFilters, conditions
from xsight.services.crm.customer_list import sort_key
from xsight.services.crm.facts import customer_facts

DOMAIN = "bench-crm.myshopify.com"
CASES = [  # (label, query, filters for the deep cursor)
    ("default sort (amount_spent desc)", "", CustomerFilters()),
    ("sort by name asc", "sort=name&direction=asc", CustomerFilters()),
    ("sort by p_alive desc", "sort=p_alive", CustomerFilters()),
    ("filter country=GB,DE & churn_risk=high", "country=GB,DE&churn_risk=high",
     CustomerFilters(country=("GB", "DE"), churn_risk=("high",))),
    ("filter tag=vip, sort by last_order_date", "tag=vip&sort=last_order_date",
     CustomerFilters(tag=("vip",))),
    ("search q=lee12", "q=lee12", CustomerFilters(q="lee12")),
]


def deep_cursor(shop: Shop, query: str, filters: CustomerFilters) -> str | None:
    """Return the cursor a client would hold halfway through the list."""
    params = dict(part.split("=", 1) for part in query.split("&") if part)
    sort, direction = params.get("sort", "amount_spent"), params.get("direction", "desc")
    facts = customer_facts(shop.id)
    key, walk = sort_key(facts, sort, direction)
    depth = (db.session.scalar(select(func.count()).select_from(facts)
                               .where(*conditions(shop, facts, filters))) or 0) // 2
    row = db.session.execute(
        select(key.column.label("v"), facts.c.customer_id).where(*conditions(shop, facts, filters))
        .order_by(*keyset.order_by(key, walk)).offset(depth).limit(1)).first()
    return None if row is None else keyset.encode(sort, direction, key.kind, row.v, row.customer_id)


def timings(client, headers: dict[str, str], url: str, repeats: int,  # type: ignore[no-untyped-def]
            cold: bool = False) -> list[float]:
    """Return the milliseconds of `repeats` requests after two warm-ups (cold: no cached total)."""
    found = []
    for i in range(repeats + 2):
        if cold:
            totals.clear()
        t0 = time.perf_counter()
        response = client.get(url, headers=headers)
        elapsed = (time.perf_counter() - t0) * 1000
        assert response.status_code == 200, response.get_data(as_text=True)
        if i >= 2:
            found.append(elapsed)
    return found


def main() -> None:
    """Build the shop, then time every case and print the table."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    with tempfile.TemporaryDirectory() as folder:  # the SQLite file (hundreds of MB) goes with it
        run(Path(folder), n, repeats)


def run(folder: Path, n: int, repeats: int) -> None:
    """Build the shop in a fresh database and print the table."""
    app = create_app(make_settings(folder, RATE_LIMIT_PER_SECOND=100_000, RATE_LIMIT_BURST=100_000))
    with app.app_context():
        reset_database()
        db.create_all()
        shop = Shop(domain=DOMAIN, installed=True, iana_timezone="America/New_York")
        db.session.add(shop)
        db.session.commit()
        t0 = time.perf_counter()
        build(db.session, shop.id, n)
        built = time.perf_counter() - t0
        backend = db.engine.dialect.name
        if backend == "postgresql":
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        cursors = {label: deep_cursor(shop, query, f) for label, query, f in CASES}
    client = app.test_client()
    headers = ShopifyHelper().auth(DOMAIN, exp=int(time.time()) + 3600)
    print(f"{n:,} customers on {backend}, built in {built:.1f} s; {repeats} requests per row, limit 50\n")
    print("| case | page | total | warm p50 ms | warm p95 ms | cold p50 ms | cold p95 ms |\n"
          "|---|---|---:|---:|---:|---:|---:|")
    for label, query, _ in CASES:
        first = client.get(f"/api/v1/customers?{query}", headers=headers).json
        pages = [("first", f"/api/v1/customers?{query}")]
        if cursors[label]:
            pages.append(("deep", f"/api/v1/customers?{query}&after={cursors[label]}"))
        for page, url in pages:
            cells = []
            for cold in (False, True):
                ms = sorted(timings(client, headers, url, repeats, cold))
                p95 = ms[min(len(ms) - 1, round(0.95 * len(ms)) - 1)]
                cells += [f"{statistics.median(ms):.1f}", f"{p95:.1f}"]
            print(f"| {label} | {page} | {first['total']:,} | {' | '.join(cells)} |", flush=True)
    print(f"\nload average {os.getloadavg()[0]:.1f}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
