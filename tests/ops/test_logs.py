"""Request ids round-trip, and one webhook can be followed through the log lines by its ids."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import ShopifyHelper
from xsight.models import Shop
from xsight.ops import logs


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.fixture
def json_logs(app: Flask) -> None:
    logs.configure("INFO", "json")


def test_request_id_is_echoed_or_generated(client: FlaskClient) -> None:
    given = client.get("/healthz", headers={"X-Request-Id": "lb-7f3a.42"})
    assert given.headers["X-Request-Id"] == "lb-7f3a.42"
    made = client.get("/healthz")
    other = client.get("/healthz")
    assert len(made.headers["X-Request-Id"]) == 32
    assert made.headers["X-Request-Id"] != other.headers["X-Request-Id"]
    hostile = client.get("/healthz", headers={"X-Request-Id": "x\" injected=1 " + "a" * 200})
    assert hostile.headers["X-Request-Id"] != "x\" injected=1 " + "a" * 200
    assert len(hostile.headers["X-Request-Id"]) == 32
    error = client.get("/api/v1/nope", headers={"X-Request-Id": "req-404"})
    assert error.status_code == 404 and error.headers["X-Request-Id"] == "req-404"


def test_one_webhook_is_followed_through_intake_and_apply(
        json_logs: None, client: FlaskClient, shopify: ShopifyHelper, make_shop: Callable[..., Shop],
        capsys: pytest.CaptureFixture[str]) -> None:
    shop = make_shop()
    body = json.dumps({"id": 99, "email": "c@example.com", "first_name": "Zed",
                       "updated_at": "2026-11-26T08:00:00Z"}).encode()
    headers = shopify.webhook_headers(shop.domain, "customers/update", body, webhook_id="wh-follow-me")
    capsys.readouterr()
    response = client.post("/webhooks", data=body, headers={**headers, "X-Request-Id": "req-wh-1"})
    assert response.status_code == 200
    lines = [line for line in json_lines(capsys.readouterr().err) if line.get("request_id") == "req-wh-1"]
    access = [line for line in lines if line["event"] == "request"]
    assert len(access) == 1  # one line per request on the hot path
    assert access[0] | {"ts": None, "duration_ms": None} == {
        "ts": None, "level": "info", "event": "request", "logger": "xsight.http",
        "request_id": "req-wh-1", "shop": shop.domain, "topic": "customers/update",
        "webhook_id": "wh-follow-me", "method": "POST", "route": "/webhooks", "status": 200,
        "duration_ms": None}
    # Tests run tasks immediately, inside the request: the apply line carries both ids.
    task = next(line for line in lines if line["event"] == "task finished")
    assert task["task"] == "process_webhook" and task["webhook_id"] == "wh-follow-me"
    assert task["shop_id"] == shop.id and task["outcome"] == "ok" and task["duration_ms"] >= 0
    assert len(task["task_id"]) == 36
    assert not any(line["logger"] == "huey" for line in lines)  # Huey's own chatter is dropped
    assert "c@example.com" not in json.dumps(lines) and "Zed" not in json.dumps(lines)


def test_bad_hmac_is_logged_without_the_hmac(json_logs: None, client: FlaskClient,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    response = client.post("/webhooks", data=b"{}", headers={
        "X-Shopify-Hmac-Sha256": "Zm9yZ2VkLWhtYWMtdmFsdWU=", "X-Shopify-Topic": "orders/create",
        "X-Shopify-Shop-Domain": "a.myshopify.com", "X-Shopify-Webhook-Id": "w-1"})
    assert response.status_code == 401
    written = capsys.readouterr().err
    (line,) = [line for line in json_lines(written) if line["event"] == "request"]
    assert line["status"] == 401 and line["route"] == "/webhooks"
    assert "Zm9yZ2VkLWhtYWMtdmFsdWU=" not in written


def test_failed_task_logs_a_warning_with_its_ids(json_logs: None, app: Flask,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from xsight.tasks.queue import huey

    @huey.task(name="test_logs_exploding_task")
    def explode(sync_run_id: int) -> None:
        from xsight.ops import context

        context.bind(sync_run_id=sync_run_id)
        raise ValueError("no customer a@b.co here")

    capsys.readouterr()
    with app.app_context():
        explode(41)
    (line,) = [line for line in json_lines(capsys.readouterr().err) if line["event"] == "task finished"]
    assert line["level"] == "warning" and line["outcome"] == "error" and line["sync_run_id"] == 41
    assert line["error"] == "ValueError: no customer [email] here"


def test_human_format_is_one_readable_line(app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("INFO", "human")
    logging.getLogger("xsight.demo").info("installed", extra={"shop": "a.myshopify.com"})
    (line,) = [x for x in capsys.readouterr().err.splitlines() if "installed" in x]
    assert line.endswith("INFO    xsight.demo: installed  shop=a.myshopify.com")
