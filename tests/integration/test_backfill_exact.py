"""A 5,000-order backfill equals the store's own records: counts and every money column."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from bench.soak import checks
from tests.conftest import TEST_API_KEY, TEST_API_SECRET, MakeApp, make_settings
from tests.integration.conftest import install
from xsight.devstore.server import start_store


@pytest.mark.slow
def test_5000_order_backfill_is_exact(app: Flask, tmp_path: Path, make_app: MakeApp,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # About 14k lines: commit every 5,000 on SQLite too, so children cross batch boundaries.
    monkeypatch.setattr("xsight.services.backfill.SQLITE_COMMIT_EVERY_LINES", 5_000)
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
