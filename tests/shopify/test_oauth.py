"""Authorization code grant: every forged, stale or replayed callback is refused."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import TEST_API_SECRET, TEST_PREVIOUS_SECRET
from tests.fake_shopify import FakeTokenEndpoint
from xsight.extensions import db
from xsight.models import Shop
from xsight.shopify.oauth import query_hmac, verify_query

SHOP = "alpha.myshopify.com"


def test_query_hmac_matches_shopifys_documented_example() -> None:
    params = {"code": "0907a61c0c8d55e99db179b68161bc00", "shop": "some-shop.myshopify.com",
              "state": "0.6784241404160823", "timestamp": "1337178173"}
    assert query_hmac(params.items(), "hush") == (
        "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf")
    verify_query({**params, "hmac": query_hmac(params.items(), "hush")}, ["hush"],
                 now=1337178173 + 60)


@pytest.fixture
def fake(app: Flask) -> FakeTokenEndpoint:
    endpoint = FakeTokenEndpoint()
    app.extensions["xsight.http"] = endpoint.client()
    return endpoint


def start_install(client: FlaskClient) -> str:
    response = client.get(f"/auth/install?shop={SHOP}")
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.netloc == SHOP and target.path == "/admin/oauth/authorize"
    query = parse_qs(target.query)
    assert query["redirect_uri"] == ["https://xsight.test/auth/callback"]
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=None" in cookie
    return query["state"][0]


def signed(params: dict[str, str], secret: str = TEST_API_SECRET) -> dict[str, str]:
    return {**params, "hmac": query_hmac(params.items(), secret)}


def callback_params(state: str, code: str = "good-code", **overrides: str) -> dict[str, str]:
    params = {"code": code, "shop": SHOP, "state": state, "timestamp": str(int(time.time())),
              "host": "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYWxwaGE"}
    params.update(overrides)
    return params


def test_full_grant_stores_an_encrypted_token(app: Flask, client: FlaskClient,
                                              fake: FakeTokenEndpoint) -> None:
    fake.codes.add("good-code")
    state = start_install(client)
    response = client.get("/auth/callback", query_string=signed(callback_params(state)))
    assert response.status_code == 302, response.json
    with app.app_context():
        shop = db.session.scalars(select(Shop).where(Shop.domain == SHOP)).one()
        assert shop.installed and shop.access_token_ciphertext
        assert fake.issued[0].encode() not in shop.access_token_ciphertext
    assert fake.calls[0]["host"] == SHOP


def test_previous_secret_signs_valid_callbacks(client: FlaskClient, fake: FakeTokenEndpoint) -> None:
    fake.codes.add("good-code")
    state = start_install(client)
    response = client.get("/auth/callback",
                          query_string=signed(callback_params(state), TEST_PREVIOUS_SECRET))
    assert response.status_code == 302


@pytest.mark.parametrize("shop", ["evil.com", "a.myshopify.com.evil.com", "../", "",
                                  "-a.myshopify.com", "a.myshopify.com/../../x"])
def test_install_refuses_bad_shops(client: FlaskClient, shop: str) -> None:
    response = client.get("/auth/install", query_string={"shop": shop})
    assert response.status_code == 400
    assert response.json["error"] == "invalid_shop"


def test_callback_refuses_bad_hmac(client: FlaskClient, fake: FakeTokenEndpoint) -> None:
    state = start_install(client)
    params = signed(callback_params(state))
    params["hmac"] = "0" * 64
    assert client.get("/auth/callback", query_string=params).status_code == 403


def test_callback_refuses_tampered_params(client: FlaskClient, fake: FakeTokenEndpoint) -> None:
    state = start_install(client)
    params = signed(callback_params(state))
    params["code"] = "other-code"
    assert client.get("/auth/callback", query_string=params).status_code == 403


def test_callback_refuses_missing_hmac(client: FlaskClient) -> None:
    state = start_install(client)
    assert client.get("/auth/callback", query_string=callback_params(state)).status_code == 400


def test_callback_refuses_stale_timestamp(client: FlaskClient, fake: FakeTokenEndpoint) -> None:
    state = start_install(client)
    old = str(int(time.time()) - 25 * 3600)
    response = client.get("/auth/callback", query_string=signed(callback_params(state, timestamp=old)))
    assert response.status_code == 403
    assert response.json["error"] == "stale_request"


@pytest.mark.parametrize("shop", ["evil.com", "a.myshopify.com.evil.com", "../"])
def test_callback_refuses_bad_shop(client: FlaskClient, shop: str) -> None:
    state = start_install(client)
    response = client.get("/auth/callback", query_string=signed(callback_params(state, shop=shop)))
    assert response.status_code == 400


def test_callback_refuses_state_mismatch(client: FlaskClient, fake: FakeTokenEndpoint) -> None:
    fake.codes.add("good-code")
    start_install(client)
    response = client.get("/auth/callback", query_string=signed(callback_params("forged")))
    assert response.status_code == 403
    assert response.json["error"] == "invalid_state"


def test_callback_refuses_missing_cookie(app: Flask, fake: FakeTokenEndpoint) -> None:
    fake.codes.add("good-code")
    state = start_install(app.test_client())
    fresh = app.test_client()  # another browser: no state cookie
    response = fresh.get("/auth/callback", query_string=signed(callback_params(state)))
    assert response.status_code == 403


def test_replayed_code_is_refused(client: FlaskClient, fake: FakeTokenEndpoint) -> None:
    fake.codes.add("good-code")
    state = start_install(client)
    params = signed(callback_params(state))
    assert client.get("/auth/callback", query_string=params).status_code == 302
    # The cookie is gone after a successful callback, and Shopify refuses a spent code.
    again = client.get("/auth/callback", query_string=params)
    assert again.status_code == 403
    state = start_install(client)
    replay = client.get("/auth/callback", query_string=signed(callback_params(state)))
    assert replay.status_code == 403
    assert replay.json["error"] == "code_rejected"
