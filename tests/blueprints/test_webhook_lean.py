"""The lean webhook path answers common deliveries itself and hands every other request to Flask."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY
from sqlalchemy import select

from tests.conftest import ShopifyHelper
from tests.services.test_apply import order_payload
from xsight.blueprints.webhooks.lean import LeanWebhooks
from xsight.extensions import db
from xsight.models import Shop, WebhookDelivery
from xsight.services import webhook_record

SHOP = "lean.myshopify.com"


@pytest.fixture
def shop(make_shop: Callable[..., Shop]) -> Shop:
    return make_shop(domain=SHOP)


@pytest.fixture
def flask_calls(app: Flask) -> list[str]:
    """Count the requests that reach Flask's own dispatch (its before-request hooks run)."""
    seen: list[str] = []
    app.before_request_funcs.setdefault(None, []).append(lambda: seen.append("flask") and None)
    return seen


def signed(shopify: ShopifyHelper, topic: str = "orders/create", raw: bytes | None = None,
           **kw: Any) -> tuple[bytes, dict[str, str]]:
    body = raw if raw is not None else json.dumps(order_payload("2026-01-01T10:00:00Z")).encode()
    return body, shopify.webhook_headers(kw.pop("shop", SHOP), topic, body, **kw)


def count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_lean_layer_is_in_front_of_the_app(app: Flask) -> None:
    assert isinstance(app.wsgi_app, LeanWebhooks)


def test_common_delivery_is_answered_without_flask(app: Flask, client: FlaskClient, shop: Shop,
                                                   shopify: ShopifyHelper, flask_calls: list[str]) -> None:
    body, headers = signed(shopify, webhook_id="lean-1")
    before = count("xsight_http_requests_total", method="POST", route="/webhooks", status="200")
    response = client.post("/webhooks", data=body, headers={**headers, "X-Request-Id": "req-lean-1"})
    assert response.status_code == 200 and response.json == {"status": "recorded"}
    assert response.headers["X-Request-Id"] == "req-lean-1"
    assert response.headers["Content-Type"] == "application/json"
    assert response.data == b'{"status":"recorded"}\n'  # byte for byte what jsonify answers
    assert flask_calls == []
    assert count("xsight_http_requests_total", method="POST", route="/webhooks", status="200") == before + 1
    with app.app_context():
        row = db.session.scalars(select(WebhookDelivery)).one()
        assert (row.webhook_id, row.topic, row.api_version) == ("lean-1", "orders/create", "2026-04")
        assert row.event_id == headers["X-Shopify-Event-Id"] and row.triggered_at is not None
        assert row.status == "processed"  # tests run the enqueued task at once


def test_flask_path_records_the_same_headers(app: Flask, client: FlaskClient, shop: Shop,
                                             shopify: ShopifyHelper, flask_calls: list[str]) -> None:
    # app/uninstalled goes through the blueprint: its API version is recorded too.
    body, headers = signed(shopify, "app/uninstalled", raw=b"{}")
    assert client.post("/webhooks", data=body, headers=headers).json == {"status": "recorded"}
    assert flask_calls == ["flask"]
    with app.app_context():
        assert db.session.scalars(select(WebhookDelivery.api_version)).one() == "2026-04"


@pytest.mark.parametrize("case,status,error", [
    ("bad_hmac", 401, "invalid_hmac"), ("no_topic", 400, "bad_request"),
    ("compliance_topic", 400, "bad_request"), ("oversize", 413, "request_entity_too_large"),
    ("bad_shop", 400, "bad_request")])
def test_uncommon_requests_go_to_flask(app: Flask, client: FlaskClient, shop: Shop,
                                       shopify: ShopifyHelper, flask_calls: list[str], case: str,
                                       status: int, error: str) -> None:
    body, headers = signed(shopify)
    if case == "bad_hmac":
        headers["X-Shopify-Hmac-Sha256"] = signed(shopify, raw=b"other")[1]["X-Shopify-Hmac-Sha256"]
    elif case == "no_topic":
        del headers["X-Shopify-Topic"]
    elif case == "compliance_topic":
        body, headers = signed(shopify, "customers/redact")
    elif case == "oversize":
        body, headers = signed(shopify, raw=b'{"pad": "' + b"x" * (2 * 1024 * 1024) + b'"}')
    else:
        body, headers = signed(shopify, shop="not a shop")
    response = client.post("/webhooks", data=body, headers=headers)
    assert (response.status_code, response.json["error"]) == (status, error)
    assert flask_calls == ["flask"]
    with app.app_context():
        assert db.session.scalars(select(WebhookDelivery)).all() == []


def test_duplicate_and_unknown_shop_answer_200(app: Flask, client: FlaskClient, shop: Shop,
                                               shopify: ShopifyHelper, flask_calls: list[str]) -> None:
    body, headers = signed(shopify, webhook_id="same")
    assert client.post("/webhooks", data=body, headers=headers).json == {"status": "recorded"}
    assert client.post("/webhooks", data=body, headers=headers).json == {"status": "duplicate"}
    body, headers = signed(shopify, shop="nobody.myshopify.com")
    assert client.post("/webhooks", data=body, headers=headers).json == {"status": "unknown_shop"}
    assert flask_calls == []
    with app.app_context():
        assert len(db.session.scalars(select(WebhookDelivery)).all()) == 1


def test_malformed_json_is_kept_and_answered_400(app: Flask, client: FlaskClient, shop: Shop,
                                                 shopify: ShopifyHelper, flask_calls: list[str]) -> None:
    body, headers = signed(shopify, raw=b'{"id": 2,')
    response = client.post("/webhooks", data=body, headers=headers)
    assert response.status_code == 400 and response.json == {
        "error": "malformed_json", "message": "The webhook body is not valid JSON; it was stored "
                                              "for inspection."}
    assert flask_calls == []
    with app.app_context():
        assert db.session.scalars(select(WebhookDelivery.status)).one() == "malformed"


def test_a_failing_record_is_a_500_in_the_error_shape(app: Flask, client: FlaskClient, shop: Shop,
                                                      shopify: ShopifyHelper,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def database_down(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(webhook_record, "record", database_down)
    before = count("xsight_http_requests_total", method="POST", route="/webhooks", status="500")
    body, headers = signed(shopify)
    response = client.post("/webhooks", data=body, headers=headers)
    assert response.status_code == 500 and response.json["error"] == "internal_error"
    assert "database unreachable" not in response.get_data(as_text=True)
    assert count("xsight_http_requests_total", method="POST", route="/webhooks", status="500") == before + 1


def test_other_routes_are_untouched(client: FlaskClient, flask_calls: list[str]) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/webhooks").status_code == 405
    assert flask_calls == ["flask", "flask"]
