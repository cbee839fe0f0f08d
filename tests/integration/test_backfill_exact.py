"""A 5,000-order backfill equals the store's own records: counts and every money column."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from flask import Flask

from bench.soak import checks
from tests.conftest import TEST_API_KEY, TEST_API_SECRET, MakeApp, make_settings
from tests.integration.conftest import install
from xsight.devstore.server import start_store
from xsight.services.ingest import bulk_process


@pytest.mark.slow
@pytest.mark.parametrize("orders_process", [False, True], ids=["in-process", "orders-process-ahead"])
def test_5000_order_backfill_is_exact(app: Flask, tmp_path: Path, make_app: MakeApp,
                                     monkeypatch: pytest.MonkeyPatch, orders_process: bool) -> None:
    # About 14k lines: commit every 5,000 on SQLite too, so children cross batch boundaries.
    monkeypatch.setattr("xsight.services.backfill.SQLITE_COMMIT_EVERY_LINES", 5_000)
    started: list[tuple[str, int]] = []
    real_start = bulk_process.start

    def start(resource: str, dialect: str, *, skip: int, every: int) -> subprocess.Popen[bytes]:
        started.append((resource, skip))
        return real_start(resource, dialect, skip=skip, every=every)

    monkeypatch.setattr(bulk_process, "start", start)
    if orders_process:  # customers and products in-process, the orders' process started during them
        monkeypatch.setattr(bulk_process, "MIN_OBJECTS", {"customers": 10**9, "products": 10**9, "orders": 1})
    store = start_store(seed=21, api_key=TEST_API_KEY, api_secret=TEST_API_SECRET, orders=5000,
                        db_path=str(tmp_path / "store.sqlite3"), bulk_dir=str(tmp_path / "bulk"))
    try:
        live = make_app(make_settings(tmp_path / "live",
                                      DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
                                      SHOPIFY_STORE_URL_OVERRIDE=store.base_url))
        assert install(live, store) == 200
        expected = checks.store_totals(store.services.storage, store.shop)
        with live.app_context():
            actual = checks.app_totals(checks.shop_ids()[store.shop])
    finally:
        store.stop()
    assert int(expected["orders"]) >= 4000 and int(actual["product_variants"]) > 0
    assert checks.compare(expected, actual) == {}
    assert started == ([("orders", 0)] if orders_process else [])
