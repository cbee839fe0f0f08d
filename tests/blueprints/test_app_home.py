"""Opening the app from the Admin installs it (token exchange) and serves the shell."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import TEST_API_KEY, ShopifyHelper
from tests.fake_shopify import FakeTokenEndpoint
from xsight.extensions import db
from xsight.models import Shop

SHOP = "alpha.myshopify.com"


@pytest.fixture
def fake(app: Flask) -> FakeTokenEndpoint:
    endpoint = FakeTokenEndpoint()
    app.extensions["xsight.http"] = endpoint.client()
    return endpoint


def open_app(client: FlaskClient, shopify: ShopifyHelper, path: str = "/"):  # type: ignore[no-untyped-def]
    return client.get(path, query_string={"shop": SHOP, "host": "YWRtaW4", "embedded": "1",
                                          "id_token": shopify.id_token(SHOP)})


def test_first_open_exchanges_the_token_and_serves_the_shell(
        app: Flask, client: FlaskClient, shopify: ShopifyHelper, fake: FakeTokenEndpoint) -> None:
    response = open_app(client, shopify)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    head = html.split("<head>", 1)[1].lstrip()
    assert head.startswith(f'<meta name="shopify-api-key" content="{TEST_API_KEY}">')
    assert head.split("\n")[1].strip() == (
        '<script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>')
    assert response.headers["Content-Security-Policy"] == (
        f"frame-ancestors https://{SHOP} https://admin.shopify.com;")
    exchange = fake.calls[0]
    assert exchange["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange"
    assert exchange["subject_token_type"] == "urn:ietf:params:oauth:token-type:id_token"
    assert exchange["requested_token_type"] == (
        "urn:shopify:params:oauth:token-type:offline-access-token")
    assert exchange["expiring"] == 1
    with app.app_context():
        shop = db.session.scalars(select(Shop).where(Shop.domain == SHOP)).one()
        assert shop.installed and shop.access_token_expires_at is not None
        assert shop.refresh_token_ciphertext is not None


def test_second_open_reuses_the_stored_token(client: FlaskClient, shopify: ShopifyHelper,
                                             fake: FakeTokenEndpoint) -> None:
    assert open_app(client, shopify).status_code == 200
    assert open_app(client, shopify, "/customers/12").status_code == 200
    assert len(fake.calls) == 1


def test_missing_id_token_bounces_to_the_patch_page(client: FlaskClient) -> None:
    response = client.get("/analytics", query_string={"shop": SHOP, "host": "YWRtaW4",
                                                      "embedded": "1"})
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/auth/patch-id-token"
    assert parse_qs(target.query)["shopify-reload"][0].startswith("/analytics?")


def test_stale_id_token_bounces_to_the_patch_page(client: FlaskClient,
                                                  shopify: ShopifyHelper) -> None:
    response = client.get("/", query_string={"shop": SHOP, "embedded": "1",
                                             "id_token": shopify.id_token(SHOP, exp=1, nbf=0, iat=0)})
    assert response.status_code == 302
    assert "/auth/patch-id-token" in response.headers["Location"]


def test_patch_page_loads_app_bridge(client: FlaskClient) -> None:
    response = client.get("/auth/patch-id-token",
                          query_string={"shop": SHOP, "shopify-reload": "/analytics"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "app-bridge.js" in body and TEST_API_KEY in body


def test_rejected_exchange_is_a_json_401(app: Flask, client: FlaskClient,
                                         shopify: ShopifyHelper) -> None:
    endpoint = FakeTokenEndpoint()
    endpoint.handler = lambda request: __import__("httpx").Response(  # type: ignore[method-assign]
        400, json={"error": "invalid_subject_token"})
    app.extensions["xsight.http"] = endpoint.client()
    response = open_app(client, shopify)
    assert response.status_code == 401
    assert response.json["error"] == "token_exchange_failed"
    assert "shpat" not in json.dumps(response.json)


def test_signed_non_embedded_open_starts_the_code_grant(client: FlaskClient) -> None:
    response = client.get("/", query_string={"shop": SHOP, "hmac": "x", "timestamp": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/install?")
