"""A backfill interrupted anywhere converges on rerun; faults never change the final data."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from tests.integration.conftest import activity, db_totals, install, shop_id, truth_totals
from xsight.devstore.server import StoreHandle
from xsight.extensions import db
from xsight.models import Shop, SyncRun
from xsight.models.types import utcnow
from xsight.services.backfill import RESOURCES
from xsight.services.ingest import bulk_load
from xsight.tasks.sync import run_sync, start


class Crash(RuntimeError):
    """A simulated worker crash inside the writer."""


@pytest.mark.parametrize("crash_after_batches", [1, 3, 6])
def test_interrupted_backfill_converges(live_app: Flask, store: StoreHandle,
                                        monkeypatch: pytest.MonkeyPatch,
                                        crash_after_batches: int) -> None:
    calls = {"n": 0}
    original = bulk_load.BulkLoader._write

    def flaky(self, table, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == crash_after_batches:
            raise Crash("worker died")
        return original(self, table, *args, **kwargs)

    monkeypatch.setattr(bulk_load.BulkLoader, "_write", flaky)
    monkeypatch.setattr("xsight.services.backfill.COMMIT_EVERY_LINES", 40)
    monkeypatch.setattr("xsight.services.backfill.SQLITE_COMMIT_EVERY_LINES", 40)
    assert install(live_app, store) == 200
    sid = shop_id(live_app, store)
    with live_app.app_context():
        run = db.session.scalars(select(SyncRun).where(SyncRun.shop_id == sid)).one()
        assert run.status == "failed" and "worker died" in (run.error or "")
        run_id = run.id
        run_sync.call_local(run_id)
        db.session.expire_all()
        run = db.session.get(SyncRun, run_id)
        assert run.status == "succeeded", run.error
    assert db_totals(live_app) == truth_totals(store)


def test_backfill_under_throttling_and_errors(live_app: Flask, store: StoreHandle) -> None:
    store.set_faults(throttle_pressure=0.3, throttle_429_share=0.3, error_rate=0.05)
    assert install(live_app, store) == 200
    with live_app.app_context():
        run = db.session.scalars(select(SyncRun)).one()
        assert run.status == "succeeded", run.error
    assert db_totals(live_app) == truth_totals(store)


def test_incremental_sync_catches_up_with_changes(live_app: Flask, store: StoreHandle) -> None:
    assert install(live_app, store) == 200
    sid = shop_id(live_app, store)
    with live_app.app_context():  # only what changes from now on needs syncing
        shop = db.session.get(Shop, sid)
        now = utcnow().replace(microsecond=0).isoformat()
        shop.settings = {**shop.settings, "sync_cursor": dict.fromkeys(RESOURCES, now)}
        db.session.commit()
    activity(store, 40)
    store.set_faults(throttle_pressure=0.3, error_rate=0.05)
    with live_app.app_context():
        run = start(sid, "incremental")
        db.session.refresh(run)
        assert run.status == "succeeded", run.error
    assert db_totals(live_app) == truth_totals(store)
