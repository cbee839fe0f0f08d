"""Segment preview and refresh on a big shop (issue #7 targets: preview < 300 ms, 20 refreshes < 5 s).

Run: .venv/bin/python -m bench.segments_bench [--customers 200000]          (SQLite in a temp folder)
     DATABASE_URL=postgresql://... .venv/bin/python -m bench.segments_bench
The shop comes from bench.crm_data (customers, stats, predictions, orders with line items). Preview =
count + 20 sampled customers of a three-level rule through the API's service code; refresh = the
membership diff of 20 segments (first run inserts every member; the second finds no change).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import text

from bench.crm_data import build
from tests.conftest import make_settings, reset_database
from xsight import create_app
from xsight.extensions import db
from xsight.models import Shop
from xsight.services.crm import customer_list
from xsight.services.segments import membership, query, store
from xsight.services.segments.text import parse

THREE_LEVELS = ("amount_spent > 100 AND (rfm_group IN ('CHAMPIONS', 'LOYAL') OR (number_of_orders >= 1 "
                "AND NOT customer_tags CONTAINS 'wholesale')) AND last_order_date < -30d")
SEGMENTS = [
    "rfm_group = 'CHAMPIONS'", "m_score >= 4 AND churn_risk IN ('medium', 'high')",
    "number_of_orders = 1 AND days_since_last_order BETWEEN 60 AND 120",
    "expected_next_order_date BETWEEN today AND +30d AND p_alive >= 0.5",
    "amount_spent > 500", "amount_spent BETWEEN 50 AND 200", "customer_tags CONTAINS 'vip'",
    "country IN ('GB', 'DE', 'FR')", "email_subscription_status = 'SUBSCRIBED'",
    "p_alive < 0.3 AND predicted_clv > 50", "first_order_date > -90d", "last_order_date < -365d",
    "number_of_orders >= 3 OR amount_spent >= 1000", "rfm_group IS NULL", "created_at >= -180d",
    "products_purchased MATCHES (id = 3)", "NOT customer_tags CONTAINS 'vip' AND amount_spent > 20",
    "r_score >= 4 AND f_score <= 2", "churn_risk = 'high'", THREE_LEVELS,
]


def ms(samples: list[float], q: float) -> float:
    return float(np.percentile(np.array(samples) * 1000, q))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="segments-bench-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app(make_settings(folder / "instance", DATABASE_URL=url))
    with app.app_context():
        reset_database()
        db.create_all()
        shop = Shop(domain="bench.myshopify.com", currency="USD", iana_timezone="America/New_York",
                    installed=True)
        db.session.add(shop)
        db.session.commit()
        started = time.perf_counter()
        build(db.session, shop.id, args.customers)
        db.session.commit()
        if url.startswith("postgres"):
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        print(f"built {args.customers} customers in {time.perf_counter() - started:.1f} s")

        rules = parse(THREE_LEVELS)
        previews = []
        for _ in range(args.samples):
            t = time.perf_counter()
            facts, where = query.condition(shop, rules)
            result = customer_list.page(shop, facts, [where], sort="amount_spent", direction="desc",
                                        limit=20, after=None)
            previews.append(time.perf_counter() - t)
            db.session.rollback()
        print(f"preview (three-level rule, {result['total']} matches): p50 {ms(previews, 50):.0f} ms, "
              f"p95 {ms(previews, 95):.0f} ms")

        made = [store.create(shop, {"name": f"S{i}", "query": q}) for i, q in enumerate(SEGMENTS)]
        for label in ("first refresh (all entries)", "second refresh (no change)"):
            t = time.perf_counter()
            counts, slow = [], []
            for s, q in zip(made, SEGMENTS, strict=True):
                one = time.perf_counter()
                counts.append(membership.refresh(s.id))
                if time.perf_counter() - one > 1.0:
                    slow.append(f"{q[:50]!r}: {time.perf_counter() - one:.1f} s")
            total = time.perf_counter() - t
            members = sum(c["count"] for c in counts if c)
            print(f"{label}: 20 segments, {members} memberships, {total:.2f} s" +
                  (f" (slowest: {'; '.join(slow)})" if slow else ""))
    print(f"backend: {'postgresql' if url.startswith('postgres') else 'sqlite'}; "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
