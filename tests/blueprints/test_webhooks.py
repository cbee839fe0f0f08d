"""The webhook intake matrix: verify before parsing, record once, apply newest-wins."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import TEST_PREVIOUS_SECRET, ShopifyHelper
from tests.services.test_apply import order_payload
from xsight.extensions import db
from xsight.models import Order, Shop, WebhookDelivery

SHOP = "alpha.myshopify.com"


@pytest.fixture
def shop(make_shop: Callable[..., Shop]) -> Shop:
    return make_shop(domain=SHOP)


def post(client: FlaskClient, shopify: ShopifyHelper, topic: str, payload: Any, *,
         webhook_id: str | None = None, secret: str | None = None, raw: bytes | None = None,
         shop: str = SHOP):  # type: ignore[no-untyped-def]
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = shopify.webhook_headers(shop, topic, body, webhook_id=webhook_id, secret=secret)
    return client.post("/webhooks", data=body, headers=headers)


def deliveries(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        return [(d.topic, d.status) for d in db.session.scalars(
            select(WebhookDelivery).order_by(WebhookDelivery.id))]


def test_valid_delivery_is_recorded_and_applied(app: Flask, client: FlaskClient, shop: Shop,
                                                shopify: ShopifyHelper) -> None:
    response = post(client, shopify, "orders/create", order_payload("2026-01-01T10:00:00Z"))
    assert response.status_code == 200 and response.json == {"status": "recorded"}
    assert deliveries(app) == [("orders/create", "processed")]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_previous_secret_is_accepted(app: Flask, client: FlaskClient, shop: Shop,
                                     shopify: ShopifyHelper) -> None:
    response = post(client, shopify, "orders/create", order_payload("2026-01-01T10:00:00Z"),
                    secret=TEST_PREVIOUS_SECRET)
    assert response.status_code == 200


@pytest.mark.parametrize("mutate", ["wrong_secret", "missing", "tampered_body", "not_base64"])
def test_bad_hmac_is_401_and_nothing_is_stored(app: Flask, client: FlaskClient, shop: Shop,
                                               shopify: ShopifyHelper, mutate: str) -> None:
    body = json.dumps(order_payload("2026-01-01T10:00:00Z")).encode()
    headers = shopify.webhook_headers(SHOP, "orders/create", body)
    if mutate == "wrong_secret":
        headers = shopify.webhook_headers(SHOP, "orders/create", body, secret="z" * 64)
    elif mutate == "missing":
        del headers["X-Shopify-Hmac-Sha256"]
    elif mutate == "tampered_body":
        body = body.replace(b"50.00", b"0.01")
    else:
        headers["X-Shopify-Hmac-Sha256"] = "%%%"
    response = client.post("/webhooks", data=body, headers=headers)
    assert response.status_code == 401
    assert response.json["error"] == "invalid_hmac"
    assert deliveries(app) == []


def test_oversize_body_is_413(app: Flask, client: FlaskClient, shop: Shop,
                              shopify: ShopifyHelper) -> None:
    raw = b'{"pad": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    response = post(client, shopify, "orders/create", None, raw=raw)
    assert response.status_code == 413
    assert response.json["error"] == "request_entity_too_large"
    assert deliveries(app) == []


def test_malformed_json_after_valid_hmac_is_400_and_kept(app: Flask, client: FlaskClient,
                                                          shop: Shop, shopify: ShopifyHelper) -> None:
    response = post(client, shopify, "orders/create", None, raw=b'{"id": 1,')
    assert response.status_code == 400
    assert response.json["error"] == "malformed_json"
    assert deliveries(app) == [("orders/create", "malformed")]
    with app.app_context():
        assert db.session.scalars(select(WebhookDelivery.payload)).one() == '{"id": 1,'


def test_duplicate_webhook_id_does_nothing(app: Flask, client: FlaskClient, shop: Shop,
                                           shopify: ShopifyHelper) -> None:
    first = post(client, shopify, "orders/create", order_payload("2026-01-01T10:00:00Z"),
                 webhook_id="same")
    again = post(client, shopify, "orders/updated",
                 order_payload("2026-02-01T10:00:00Z", total="1.00"), webhook_id="same")
    assert first.json == {"status": "recorded"} and again.json == {"status": "duplicate"}
    with app.app_context():
        assert db.session.scalars(select(Order.total_price)).one() == Decimal("50.00")


def test_stale_update_after_newer_one(app: Flask, client: FlaskClient, shop: Shop,
                                      shopify: ShopifyHelper) -> None:
    post(client, shopify, "orders/updated", order_payload("2026-03-01T00:00:00Z", total="10.00"))
    post(client, shopify, "orders/updated", order_payload("2026-02-01T00:00:00Z", total="99.00"))
    with app.app_context():
        assert db.session.scalars(select(Order.total_price)).one() == Decimal("10.00")


def test_unknown_topic_is_200_and_ignored(app: Flask, client: FlaskClient, shop: Shop,
                                          shopify: ShopifyHelper) -> None:
    response = post(client, shopify, "inventory_levels/update", {"inventory_item_id": 1})
    assert response.status_code == 200
    assert deliveries(app) == [("inventory_levels/update", "ignored")]


def test_unknown_shop_is_200_and_not_stored(app: Flask, client: FlaskClient, shop: Shop,
                                            shopify: ShopifyHelper) -> None:
    response = post(client, shopify, "orders/create", order_payload("2026-01-01T10:00:00Z"),
                    shop="stranger.myshopify.com")
    assert response.status_code == 200 and response.json == {"status": "unknown_shop"}
    assert deliveries(app) == []


def test_missing_headers_are_400(client: FlaskClient, shop: Shop, shopify: ShopifyHelper) -> None:
    body = b"{}"
    headers = shopify.webhook_headers(SHOP, "orders/create", body)
    del headers["X-Shopify-Webhook-Id"]
    assert client.post("/webhooks", data=body, headers=headers).status_code == 400
