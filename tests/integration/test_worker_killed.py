"""A worker SIGKILLed in the middle of a backfill: the run is resumed and converges exactly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask

from tests.integration.conftest import db_totals, install, shop_id, truth_totals
from xsight import settings_of
from xsight.devstore.server import StoreHandle
from xsight.extensions import db
from xsight.models import SyncRun
from xsight.services import installs, sync_runs
from xsight.tasks.sync import run_sync

# The worker: small commits and a slowed writer so it is surely mid-backfill when killed
# (0.15 s per table batch: the observer polls through a busy machine too).
WORKER = """
import sys, time
import xsight.services.backfill as backfill
from xsight.services.ingest import bulk_load
backfill.COMMIT_EVERY_LINES = backfill.SQLITE_COMMIT_EVERY_LINES = 25
original = bulk_load.BulkLoader._write
def slow(self, table, *args, **kwargs):
    time.sleep(0.15)
    return original(self, table, *args, **kwargs)
bulk_load.BulkLoader._write = slow
from xsight import create_app
from xsight.tasks.sync import run_sync
app = create_app()
with app.app_context():
    run_sync.call_local(int(sys.argv[1]))
"""


def test_sigkilled_worker_is_resumed(live_app: Flask, store: StoreHandle, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(installs, "after_install", [])
    assert install(live_app, store) == 200
    sid = shop_id(live_app, store)
    with live_app.app_context():
        run_id = sync_runs.create(sid, "backfill").id
    s = settings_of(live_app)
    env = {**os.environ, "XSIGHT_ENV": "test", "DATABASE_URL": s.DATABASE_URL,
           "REDIS_URL": s.REDIS_URL, "SHOPIFY_API_KEY": s.SHOPIFY_API_KEY,
           "SHOPIFY_API_SECRET": s.SHOPIFY_API_SECRET, "ENCRYPTION_KEY": s.ENCRYPTION_KEY,
           "SECRET_KEY": s.SECRET_KEY, "SHOPIFY_STORE_URL_OVERRIDE": store.base_url,
           "INSTANCE_PATH": str(tmp_path / "worker")}
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(run_id)], env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            with live_app.app_context():
                run = db.session.get(SyncRun, run_id)
                mid_orders = run.step == "saving orders" and run.processed > 0
            if mid_orders or worker.poll() is not None:
                break
            time.sleep(0.05)
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
        log.close()
    with live_app.app_context():
        run = db.session.get(SyncRun, run_id)
        assert run.status == "running"  # the dead worker left it mid-way
        assert run_sync.call_local(run_id) == "locked"  # its lease is still fresh
    monkeypatch.setattr(sync_runs, "LEASE_SECONDS", 0.5)
    time.sleep(0.6)
    with live_app.app_context():
        assert run_sync.call_local(run_id) == "succeeded"
        run = db.session.get(SyncRun, run_id)
        assert run.status == "succeeded" and run.processed == run.total
    assert db_totals(live_app) == truth_totals(store)
