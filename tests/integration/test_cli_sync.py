"""`flask xsight sync` runs a sync in the terminal with a progress bar."""

from __future__ import annotations

from flask import Flask

from tests.integration.conftest import activity, db_totals, install, truth_totals
from xsight.devstore.server import StoreHandle


def test_cli_sync_incremental_and_full(live_app: Flask, store: StoreHandle) -> None:
    assert install(live_app, store) == 200
    activity(store, 10)
    runner = live_app.test_cli_runner()
    result = runner.invoke(args=["xsight", "sync", "--shop", store.shop])
    assert result.exit_code == 0, result.output
    assert "(incremental) succeeded" in result.output
    assert db_totals(live_app) == truth_totals(store)
    full = runner.invoke(args=["xsight", "sync", "--shop", store.shop, "--full"])
    assert full.exit_code == 0, full.output
    assert "(full) succeeded" in full.output and "100.0%" in full.output


def test_cli_sync_refuses_unknown_shops(live_app: Flask) -> None:
    result = live_app.test_cli_runner().invoke(args=["xsight", "sync", "--shop",
                                                     "nobody.myshopify.com"])
    assert result.exit_code != 0 and "has not installed" in result.output
