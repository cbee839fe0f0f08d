"""With Redis, progress published by a worker reaches browsers connected to another process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio as socketio_client
from flask import Flask

from tests.integration.conftest import install
from xsight import settings_of
from xsight.devstore.server import StoreHandle

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"),
                                reason="needs REDIS_URL (runs in the PostgreSQL + Redis pass)")

SERVE = ("from xsight import create_app; from xsight.extensions import socketio; "
         "import sys; app = create_app(); "
         "socketio.run(app, host='127.0.0.1', port=int(sys.argv[1]), allow_unsafe_werkzeug=True)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def web_process(live_app: Flask, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Serve the same app (same database, same Redis) from a separate process."""
    s = settings_of(live_app)
    port = free_port()
    env = {**os.environ, "XSIGHT_ENV": "test", "DATABASE_URL": s.DATABASE_URL, "REDIS_URL": s.REDIS_URL,
           "SHOPIFY_API_KEY": s.SHOPIFY_API_KEY, "SHOPIFY_API_SECRET": s.SHOPIFY_API_SECRET,
           "ENCRYPTION_KEY": s.ENCRYPTION_KEY, "SECRET_KEY": s.SECRET_KEY,
           "INSTANCE_PATH": str(tmp_path / "web")}
    log = (tmp_path / "web.log").open("w")
    proc = subprocess.Popen([sys.executable, "-c", SERVE, str(port)], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise AssertionError((tmp_path / "web.log").read_text())
    yield url
    proc.terminate()
    proc.wait(10)
    log.close()


def test_worker_progress_crosses_processes(live_app: Flask, store: StoreHandle,
                                           web_process: str) -> None:
    assert install(live_app, store) == 200
    received: list[tuple[str, Any]] = []
    client = socketio_client.Client()
    for name in ("sync:active", "sync:progress", "sync:completed", "sync:failed"):
        client.on(name, (lambda n: lambda data: received.append((n, data)))(name))
    client.connect(web_process, auth={"token": store.id_token()}, transports=["polling"],
                   wait_timeout=10)
    try:
        time.sleep(0.5)  # let the room join settle before the worker publishes
        api = live_app.test_client()  # this process plays the worker: the sync runs here
        response = api.post("/api/v1/sync", json={"kind": "full"},
                            headers={"Authorization": f"Bearer {store.id_token()}"})
        assert response.status_code == 202
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(n == "sync:completed" for n, _ in received):
            time.sleep(0.1)
    finally:
        client.disconnect()
    names = [n for n, _ in received]
    assert names[0] == "sync:active"
    assert "sync:completed" in names
    progress = [d for n, d in received if n == "sync:progress"]
    assert progress and progress[-1]["percent"] == 100.0
