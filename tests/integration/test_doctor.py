"""`flask xsight doctor` passes on a healthy install and names each broken part with its fix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import stamp

from tests.conftest import MakeApp, make_settings
from tests.integration.conftest import install
from tests.ops.test_metrics import delta, scrape
from xsight import settings_of
from xsight.devstore.server import StoreHandle
from xsight.ops import doctor
from xsight.services.ingest import copy_rows


def test_healthy_install_passes_every_check(live_app: Flask, store: StoreHandle) -> None:
    before = scrape(live_app.test_client())
    assert install(live_app, store) == 200
    after = scrape(live_app.test_client())
    # The install ran a backfill through the client: both show up in the metrics.
    assert delta(before, after, "xsight_sync_runs_total", kind="backfill", outcome="succeeded") == 1
    assert delta(before, after, "xsight_sync_run_duration_seconds_count", kind="backfill") == 1
    assert delta(before, after, "xsight_sync_records_per_second_count", kind="backfill") == 1
    assert delta(before, after, "xsight_shopify_api_calls_total", outcome="ok") >= 3
    with live_app.app_context():
        stamp()  # tests build tables with create_all; mark them as the latest migration
    result = live_app.test_cli_runner().invoke(args=["xsight", "doctor"])
    assert result.exit_code == 0, result.output
    assert f"[ok  ] shop {store.shop}: token valid, all scopes granted" in result.output
    assert "[ok  ] database:" in result.output and "[ok  ] queue:" in result.output
    assert "FAIL" not in result.output
    assert result.output.rstrip().endswith("Everything XSight needs answered.")


def test_broken_token_scopes_schema_and_redis_are_reported(live_app: Flask, store: StoreHandle) -> None:
    assert install(live_app, store) == 200
    store.services.tokens.revoke_shop(store.shop)
    result = live_app.test_cli_runner().invoke(args=["xsight", "doctor"])
    assert result.exit_code == 1, result.output
    assert f"[FAIL] shop {store.shop}:" in result.output and "reinstall" in result.output
    assert "[FAIL] database:" in result.output and "db upgrade" in result.output  # never stamped
    assert "2 check(s) failed" in result.output

    settings = settings_of(live_app)
    with live_app.app_context():
        from xsight.extensions import db
        from xsight.models import Shop

        shop = db.session.query(Shop).filter_by(domain=store.shop).one()
        shop.scopes = "read_orders"
        db.session.commit()
        missing = doctor.check_shop(shop, {"read_orders", "read_customers", "write_customers"})
        (redis,) = [c for c in doctor.check_queue(replace(settings, REDIS_URL="redis://127.0.0.1:1/0"))
                    if c.name == "redis"]
    assert not redis.ok and "REDIS_URL" in redis.fix
    assert not missing.ok


def test_scopes_are_compared_with_write_implying_read(live_app: Flask, store: StoreHandle) -> None:
    assert install(live_app, store) == 200
    with live_app.app_context():
        from xsight.extensions import db
        from xsight.models import Shop

        shop = db.session.query(Shop).filter_by(domain=store.shop).one()
        shop.scopes = "write_customers,read_orders"
        ok = doctor.check_shop(shop, {"read_customers", "write_customers", "read_orders"})
        shop.scopes = "read_customers,read_orders"
        short = doctor.check_shop(shop, {"read_customers", "write_customers", "read_orders"})
    assert ok.ok, ok.line()
    assert not short.ok and short.detail == "token valid but scopes not granted: write_customers"


def test_unreachable_database_fails_and_skips_shops(tmp_path: Path, make_app: MakeApp) -> None:
    app = make_app(make_settings(tmp_path,
                                 DATABASE_URL="postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"))
    result = app.test_cli_runner().invoke(args=["xsight", "doctor"])
    assert result.exit_code == 1
    assert "[FAIL] database: unreachable" in result.output and "DATABASE_URL" in result.output
    assert "shop" not in result.output.lower().replace("shopify", "")


def test_a_missing_backfill_extension_is_a_warning_with_its_fix(
        monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = doctor.check_backfill_extension()
    assert loaded == doctor.Check("backfill", True, "C extension _copy_rows loaded")
    monkeypatch.setattr(copy_rows, "fast", None)
    missing = doctor.check_backfill_extension()
    assert missing.ok and missing.warning and "C compiler" in missing.fix
