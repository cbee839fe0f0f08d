"""Sentry: nothing is initialised or sent without SENTRY_DSN; with it, errors arrive tagged and scrubbed."""

from __future__ import annotations

import gzip
import json
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sentry_sdk
from flask import Flask
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.conftest import MakeApp, make_settings
from xsight.ops import sentry

EMAIL = "grace.hopper@example.com"
COOKIE = "session=" + "c0ffee" * 4  # built, so the source lines Sentry quotes do not contain it
TOKEN = "shpat_0123456789abcdef0123456789abcdef"


class Collector:
    """A loopback HTTP server that stores every Sentry envelope it receives."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.raw: list[bytes] = []
        self.server = make_server("127.0.0.1", 0, self.wsgi)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.dsn = f"http://publickey@127.0.0.1:{self.server.server_port}/1"

    @Request.application  # type: ignore[misc]
    def wsgi(self, request: Request) -> Response:
        body = request.get_data()
        encoding = request.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        self.raw.append(body)
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                self.events.append(json.loads(payload))
        return Response("{}", content_type="application/json")

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)
        self.server.server_close()


@pytest.fixture
def collector() -> Iterator[Collector]:
    c = Collector()
    yield c
    sentry.shutdown()
    c.stop()


def test_nothing_is_initialised_without_a_dsn(app: Flask) -> None:
    assert not sentry.enabled()
    assert not sentry_sdk.get_client().is_active()


def test_web_and_task_errors_are_sent_tagged_and_scrubbed(tmp_path: Path, make_app: MakeApp, app: Flask,
                                                          collector: Collector) -> None:
    reporting = make_app(make_settings(tmp_path / "s", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
                                       SENTRY_DSN=collector.dsn))
    assert sentry.enabled() and sentry_sdk.get_client().is_active()

    @reporting.get("/test-explode")
    def explode() -> str:
        from xsight.ops import context

        context.bind(shop="boom.myshopify.com")
        raise RuntimeError(f"customer {EMAIL} with token {TOKEN}")

    response = reporting.test_client().get("/test-explode?email=" + EMAIL, headers={
        "X-Request-Id": "req-sentry-1", "Authorization": f"Bearer {TOKEN}", "Cookie": COOKIE})
    assert response.status_code == 500 and response.json["error"] == "internal_error"

    from xsight.tasks.queue import huey

    @huey.task(name="test_sentry_failing_task")
    def failing(shop_id: int) -> None:
        raise ValueError(f"phone +1 613 555 0100 of {EMAIL}")

    with reporting.app_context():
        failing(5)
    sentry_sdk.get_client().flush(timeout=5)

    everything = b"\n".join(collector.raw).decode()
    assert EMAIL not in everything and TOKEN not in everything and "613 555 0100" not in everything
    assert COOKIE not in everything
    web = [e for e in collector.events if e.get("tags", {}).get("request_id") == "req-sentry-1"]
    assert web, collector.events
    assert web[0]["tags"]["shop"] == "boom.myshopify.com"
    values = [v["value"] for e in web for v in e.get("exception", {}).get("values", [])]
    assert "customer [email] with token [redacted]" in values
    task = [e for e in collector.events if e.get("tags", {}).get("task") == "test_sentry_failing_task"]
    assert task and len(task[0]["tags"]["task_id"]) == 36



def test_lean_webhook_errors_are_sent_tagged(tmp_path: Path, make_app: MakeApp, app: Flask,
                                             collector: Collector, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import ShopifyHelper
    from xsight.services import webhook_record

    reporting = make_app(make_settings(tmp_path / "s", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
                                       SENTRY_DSN=collector.dsn))

    def database_down(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError(f"database unreachable for {EMAIL}")

    monkeypatch.setattr(webhook_record, "record", database_down)
    body = b'{"id": 1}'
    headers = ShopifyHelper().webhook_headers("lean.myshopify.com", "orders/create", body,
                                              webhook_id="wh-sentry-1")
    response = reporting.test_client().post("/webhooks", data=body,
                                            headers={**headers, "X-Request-Id": "req-sentry-lean"})
    assert response.status_code == 500 and response.json["error"] == "internal_error"
    sentry_sdk.get_client().flush(timeout=5)
    assert EMAIL not in b"\n".join(collector.raw).decode()
    web = [e for e in collector.events if e.get("tags", {}).get("request_id") == "req-sentry-lean"]
    assert web, collector.events
    assert web[0]["tags"]["webhook_id"] == "wh-sentry-1" and web[0]["tags"]["shop"] == "lean.myshopify.com"
