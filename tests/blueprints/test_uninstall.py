"""app/uninstalled drops tokens at once; a reinstall restores access without duplicating data."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import ShopifyHelper
from tests.fake_shopify import FakeTokenEndpoint
from tests.models.test_tenancy import fill_shop
from xsight.extensions import db
from xsight.models import Customer, Shop, WebhookDelivery

SHOP = "alpha.myshopify.com"


@pytest.fixture
def fake(app: Flask) -> FakeTokenEndpoint:
    endpoint = FakeTokenEndpoint()
    app.extensions["xsight.http"] = endpoint.client()
    return endpoint


def open_app(client: FlaskClient, shopify: ShopifyHelper) -> int:
    return client.get("/", query_string={"shop": SHOP, "embedded": "1",
                                         "id_token": shopify.id_token(SHOP)}).status_code


def uninstall_webhook(client: FlaskClient, shopify: ShopifyHelper, webhook_id: str = "uninstall-1"):  # type: ignore[no-untyped-def]
    body = json.dumps({"id": 1, "domain": SHOP, "myshopify_domain": SHOP}).encode()
    return client.post("/webhooks", data=body,
                       headers=shopify.webhook_headers(SHOP, "app/uninstalled", body,
                                                       webhook_id=webhook_id))


def shop_row(app: Flask) -> Shop:
    with app.app_context():
        shop = db.session.scalars(select(Shop).where(Shop.domain == SHOP)).one()
        db.session.expunge(shop)
        return shop


def test_uninstall_then_reinstall(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                  fake: FakeTokenEndpoint) -> None:
    assert open_app(client, shopify) == 200
    shop_id = shop_row(app).id
    with app.app_context():
        fill_shop(shop_id)

    response = uninstall_webhook(client, shopify)
    assert response.status_code == 200
    gone = shop_row(app)
    assert not gone.installed and gone.uninstalled_at is not None
    assert gone.access_token_ciphertext is None and gone.refresh_token_ciphertext is None
    assert client.get("/api/v1/shop", headers=shopify.auth(SHOP)).status_code == 401
    assert uninstall_webhook(client, shopify).json == {"status": "duplicate"}

    assert open_app(client, shopify) == 200  # reinstall: a fresh token exchange
    back = shop_row(app)
    assert back.id == shop_id and back.installed and back.uninstalled_at is None
    assert len(fake.calls) == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Customer)) == 1
        assert db.session.scalar(select(func.count()).select_from(Shop)) == 1
        delivery = db.session.scalars(select(WebhookDelivery).where(
            WebhookDelivery.topic == "app/uninstalled")).one()
        assert delivery.status == "processed"
    assert client.get("/api/v1/shop", headers=shopify.auth(SHOP)).status_code == 200


def test_forged_uninstall_is_refused(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                     fake: FakeTokenEndpoint) -> None:
    assert open_app(client, shopify) == 200
    body = json.dumps({"domain": SHOP}).encode()
    headers = shopify.webhook_headers(SHOP, "app/uninstalled", body, secret="x" * 64)
    assert client.post("/webhooks", data=body, headers=headers).status_code == 401
    assert shop_row(app).installed
