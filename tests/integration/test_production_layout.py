"""The production layout end to end: 2 gunicorn (gevent) web processes + 2 Huey consumers on PostgreSQL
and Redis. Install through web A, backfill in the consumers, progress seen by a Socket.IO client on
web B, webhooks from the store applied by the consumers, a segment refreshed by them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio as socketio_client
from flask import Flask
from sqlalchemy import func, select

from tests.integration.conftest import activity, db_totals, truth_totals, wait_for_webhooks
from tests.integration.test_realtime_redis import free_port
from xsight import settings_of
from xsight.config import project_root
from xsight.devstore.server import StoreHandle
from xsight.extensions import db
from xsight.models import CustomerFacts, SyncRun, WebhookDelivery

pytestmark = pytest.mark.skipif(
    not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL", "").startswith("postgres")),
    reason="needs PostgreSQL and Redis (runs in the PostgreSQL + Redis pass)")


def wait(condition: Callable[[], Any], timeout: float, what: str, logs: Path) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(logs.glob("*.log")))
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


@pytest.fixture
def layout(live_app: Flask, store: StoreHandle, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Start web A, web B (gunicorn, gevent) and two consumers; return the two web URLs."""
    s = settings_of(live_app)
    env = {**os.environ, "XSIGHT_ENV": "development", "DATABASE_URL": s.DATABASE_URL,
           "REDIS_URL": s.REDIS_URL, "SHOPIFY_API_KEY": s.SHOPIFY_API_KEY,
           "SHOPIFY_API_SECRET": s.SHOPIFY_API_SECRET, "ENCRYPTION_KEY": s.ENCRYPTION_KEY,
           "SECRET_KEY": s.SECRET_KEY, "SHOPIFY_STORE_URL_OVERRIDE": store.base_url,
           "HOST": "127.0.0.1", "WEB_CONCURRENCY": "1"}
    consumer = str(Path(sys.executable).with_name("huey_consumer"))
    ports = [free_port(), free_port()]
    web = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
    commands = [
        ("web-a", web, {"PORT": str(ports[0])}),
        ("web-b", web, {"PORT": str(ports[1])}),
        ("worker-1", [consumer, "xsight.tasks.registry.huey", "-k", "greenlet", "-w", "4"], {}),
        ("worker-2", [consumer, "xsight.tasks.registry.huey", "-k", "greenlet", "-w", "4"], {}),
    ]
    procs = []
    for name, command, extra in commands:
        log = (tmp_path / f"{name}.log").open("w")
        procs.append((subprocess.Popen(command, cwd=project_root(), stdout=log, stderr=subprocess.STDOUT,
                                       env={**env, **extra, "INSTANCE_PATH": str(tmp_path / name)}), log))
    urls = [f"http://127.0.0.1:{p}" for p in ports]

    def up() -> bool:
        try:
            return all(httpx.get(u + "/healthz", timeout=1).status_code == 200 for u in urls)
        except httpx.TransportError:
            return False
    try:
        wait(up, 60, "the web processes", tmp_path)
        store.config.app_url = urls[0]  # the store delivers webhooks to web A
        yield urls[0], urls[1]
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, log in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
            log.close()


def test_two_web_processes_and_two_consumers(live_app: Flask, store: StoreHandle, tmp_path: Path,
                                             layout: tuple[str, str]) -> None:
    web_a, web_b = layout
    auth = {"Authorization": f"Bearer {store.id_token()}"}
    opened = httpx.get(web_a + "/", params={"shop": store.shop, "host": "YWRtaW4", "embedded": "1",
                                            "id_token": store.id_token()}, timeout=30)
    assert opened.status_code == 200

    def backfilled() -> bool:
        runs = httpx.get(web_a + "/api/v1/sync/runs", headers=auth, timeout=10).json()["runs"]
        return any(r["kind"] == "backfill" and r["status"] == "succeeded" for r in runs)
    wait(backfilled, 90, "the backfill in the consumers", tmp_path)

    received: list[tuple[str, Any]] = []
    client = socketio_client.Client()
    for name in ("sync:active", "sync:progress", "sync:completed", "sync:failed"):
        client.on(name, (lambda n: lambda data: received.append((n, data)))(name))
    client.connect(web_b, auth={"token": store.id_token()}, transports=["polling"], wait_timeout=10)
    try:
        time.sleep(0.5)
        started = httpx.post(web_a + "/api/v1/sync", json={"kind": "full"}, headers=auth, timeout=10)
        assert started.status_code == 202, started.text
        wait(lambda: any(n == "sync:completed" for n, _ in received), 90, "sync:completed on web B", tmp_path)
    finally:
        client.disconnect()
    progress = [d for n, d in received if n == "sync:progress"]
    assert progress and progress[-1]["percent"] == 100.0

    activity(store, 25)
    wait_for_webhooks(store, timeout=60)

    def applied() -> bool:
        with live_app.app_context():
            pending = db.session.scalar(select(func.count()).select_from(WebhookDelivery).where(
                WebhookDelivery.status == "received"))
            db.session.rollback()
        return pending == 0 and db_totals(live_app) == truth_totals(store)
    wait(applied, 90, "the webhooks applied by the consumers", tmp_path)

    made = httpx.post(web_a + "/api/v1/segments", json={"name": "Repeat buyers",
                                                        "query": "number_of_orders >= 2"},
                      headers=auth, timeout=10)
    assert made.status_code == 201, made.text
    segment_id = made.json()["segment"]["id"]
    with live_app.app_context():
        expected = db.session.scalar(select(func.count()).select_from(CustomerFacts).where(
            CustomerFacts.number_of_orders >= 2))
        runs = db.session.scalar(select(func.count()).select_from(SyncRun))
    assert expected and runs >= 2

    def refreshed() -> bool:
        body = httpx.get(f"{web_b}/api/v1/segments/{segment_id}", headers=auth, timeout=10).json()
        return body["segment"]["refreshed_at"] is not None and body["segment"]["member_count"] == expected
    wait(refreshed, 60, "the segment refresh in the consumers", tmp_path)
