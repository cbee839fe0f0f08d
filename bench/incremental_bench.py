"""Incremental sync against the simulated store: share of the restore rate used, THROTTLED count.

Usage: python -m bench.incremental_bench [--orders 2000] [--plan Basic]
Installs a store's shop (backfill), then re-syncs every order page by page with the real client,
recording each call's actual cost. Steady state starts once the calls have spent the initial
bucket (20 x restore rate); utilisation = points spent after that / (seconds after that x rate).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

TEST_KEY, TEST_SECRET = "bench-key", "bench-secret-" + "y" * 40


def main() -> None:
    """Run the benchmark and print a Markdown row."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--plan", default="Basic")
    args = parser.parse_args()

    from xsight import create_app
    from xsight.config import load_settings, new_encryption_key
    from xsight.devstore.generator import PLANS
    from xsight.devstore.server import start_store
    from xsight.extensions import db
    from xsight.models import Shop
    from xsight.services import incremental, shopify_client, sync_runs

    tmp = Path(tempfile.mkdtemp())
    store = start_store(seed=5, api_key=TEST_KEY, api_secret=TEST_SECRET, orders=args.orders,
                        plan=args.plan, db_path=str(tmp / "store.sqlite3"), bulk_dir=str(tmp / "bulk"))
    rate = PLANS[args.plan]
    calls: list[tuple[float, float, int]] = []
    original = shopify_client.client_for

    def recording_client(shop: Shop) -> Any:
        client = original(shop)
        execute = client.execute

        def timed(document: str, variables: Any = None) -> Any:
            before = client.stats.actual_cost
            result = execute(document, variables)
            calls.append((time.monotonic(), client.stats.actual_cost - before, client.stats.throttled))
            return result

        client.execute = timed  # type: ignore[method-assign]
        return client

    try:
        settings = load_settings(environ={}, XSIGHT_ENV="test", INSTANCE_PATH=str(tmp / "i"),
                                 SHOPIFY_API_KEY=TEST_KEY, SHOPIFY_API_SECRET=TEST_SECRET,
                                 ENCRYPTION_KEY=new_encryption_key(),
                                 SHOPIFY_STORE_URL_OVERRIDE=store.base_url)
        app = create_app(settings)
        with app.app_context():
            db.create_all()
        app.test_client().get("/", query_string={"shop": store.shop, "embedded": "1",
                                                 "id_token": store.id_token()})
        incremental.client_for = recording_client  # type: ignore[attr-defined]
        with app.app_context():
            shop = db.session.query(Shop).one()
            shop.settings = {**shop.settings, "sync_cursor": {}}  # re-read everything
            db.session.commit()
            run = sync_runs.create(shop.id, "incremental")
            started = time.monotonic()
            incremental.run(run)
            elapsed = time.monotonic() - started
    finally:
        store.stop()
    spent, steady_start, steady_cost = 0.0, None, 0.0
    for stamp, cost, _ in calls:
        if steady_start is not None:
            steady_cost += cost
        spent += cost
        if steady_start is None and spent >= 20 * rate:
            steady_start = stamp
    throttled = calls[-1][2] if calls else 0
    if steady_start is None:
        print(f"only {spent:.0f} points spent: raise --orders to pass the {20 * rate:.0f}-point bucket")
        return
    window = calls[-1][0] - steady_start
    print("| plan (restore rate) | orders | calls | points | run time | steady-state use of "
          "restore rate | THROTTLED |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(f"| {args.plan} ({rate:.0f}/s) | {args.orders:,} | {len(calls)} | {spent:,.0f} | "
          f"{elapsed:.1f} s | {100 * steady_cost / (window * rate):.0f}% | {throttled} |")


if __name__ == "__main__":
    main()
