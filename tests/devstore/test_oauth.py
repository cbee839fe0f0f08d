"""OAuth grants (code, token exchange, rotating refresh) and App Bridge ID tokens."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import time
from urllib.parse import parse_qs, urlparse

import httpx
import jwt
from shopify_app.exchange.refresh_token import refresh_access_token
from shopify_app.exchange.token_exchange import token_exchange

from xsight.devstore import StoreHandle

from .conftest import SHOP, Admin, RewriteTransport

GRANT_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"


def _token_url(store: StoreHandle) -> str:
    return f"{store.base_url}/admin/oauth/access_token"


def _creds(store: StoreHandle) -> dict[str, str]:
    return {"client_id": store.config.api_key, "client_secret": store.config.api_secret}


def test_authorize_redirects_with_a_valid_hmac_and_codes_are_single_use(store: StoreHandle) -> None:
    response = httpx.get(
        f"{store.base_url}/admin/oauth/authorize",
        headers={"Host": SHOP},
        params={
            "client_id": store.config.api_key,
            "scope": "read_orders",
            "redirect_uri": "https://app.test/auth/callback",
            "state": "nonce-1",
        },
    )
    assert response.status_code == 302
    location = urlparse(response.headers["Location"])
    assert location.netloc == "app.test"
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert {"code", "hmac", "host", "shop", "state", "timestamp"} <= set(params)
    assert params["shop"] == SHOP and params["state"] == "nonce-1"
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "hmac")
    assert hmac.compare_digest(
        params["hmac"],
        hmac.new(store.config.api_secret.encode(), message.encode(), hashlib.sha256).hexdigest(),
    )
    form = {**_creds(store), "code": params["code"]}
    first = httpx.post(_token_url(store), data=form, headers={"Host": SHOP})  # form body
    assert first.status_code == 200 and first.json()["scope"] == "read_orders"
    assert Admin(store, first.json()["access_token"])("{ shop { name } }")["data"]["shop"]["name"]
    again = httpx.post(_token_url(store), json=form, headers={"Host": SHOP})  # JSON body, reused code
    assert again.status_code == 400


def test_wrong_client_secret_is_refused(store: StoreHandle) -> None:
    response = httpx.post(
        _token_url(store),
        json={"client_id": store.config.api_key, "client_secret": "x", "code": "abc"},
        headers={"Host": SHOP},
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_client"


def test_id_token_claims(store: StoreHandle) -> None:
    raw = httpx.get(f"{store.base_url}/_devstore/id_token", params={"shop": SHOP}).json()["id_token"]
    assert jwt.get_unverified_header(raw)["alg"] == "HS256"
    claims = jwt.decode(raw, store.config.api_secret, algorithms=["HS256"], audience=store.config.api_key)
    assert claims["iss"] == f"https://{SHOP}/admin" and claims["dest"] == f"https://{SHOP}"
    assert claims["exp"] - claims["iat"] == 60 and claims["nbf"] <= time.time()
    assert {"sub", "jti", "sid"} <= set(claims) and len(claims["jti"]) == 36


def test_shopify_app_token_exchange_and_rotating_refresh(store: StoreHandle) -> None:
    client = httpx.Client(transport=RewriteTransport(store.base_url))
    raw = store.id_token()
    claims = jwt.decode(raw, store.config.api_secret, algorithms=["HS256"], audience=store.config.api_key)
    app = {"client_id": store.config.api_key, "client_secret": store.config.api_secret}
    result = token_exchange(
        "offline",
        app,
        {"exchangeable": True, "token": raw, "claims": claims},
        expiring=True,
        http_client=client,
    )
    assert result.ok, result.log
    first = result.access_token
    assert first is not None and first.refresh_token and first.expires and first.refresh_token_expires
    stale = dataclasses.replace(first, expires="2000-01-01T00:00:00Z")  # the library refreshes only when due
    rotated = refresh_access_token(stale, app, http_client=client)
    assert rotated.ok and rotated.access_token is not None
    assert rotated.access_token.refresh_token != first.refresh_token
    # the old refresh token stays usable until the new access token is used...
    retry = httpx.post(
        _token_url(store),
        json={**_creds(store), "grant_type": "refresh_token", "refresh_token": first.refresh_token},
        headers={"Host": SHOP},
    )
    assert retry.status_code == 200 and retry.json()["expires_in"] == 3600
    assert retry.json()["refresh_token_expires_in"] == 7_776_000
    assert Admin(store, rotated.access_token.token)("{ shop { id } }")["data"]["shop"]["id"]
    # ...and not after
    late = httpx.post(
        _token_url(store),
        json={**_creds(store), "grant_type": "refresh_token", "refresh_token": first.refresh_token},
        headers={"Host": SHOP},
    )
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


def test_invalid_or_expired_id_tokens_are_rejected(store: StoreHandle) -> None:
    now = int(time.time())
    base = {
        "iss": f"https://{SHOP}/admin",
        "dest": f"https://{SHOP}",
        "aud": store.config.api_key,
        "sub": "1",
        "iat": now,
        "nbf": now,
        "exp": now + 60,
        "jti": "x",
        "sid": "y",
    }
    bad = [
        jwt.encode(base, "shpss_wrong_secret_0123456789abcdef0123", algorithm="HS256"),
        jwt.encode({**base, "exp": now - 60, "nbf": now - 120}, store.config.api_secret, algorithm="HS256"),
        jwt.encode(
            {**base, "dest": "https://other.myshopify.com"}, store.config.api_secret, algorithm="HS256"
        ),
        "not-a-jwt",
    ]
    for token in bad:
        response = httpx.post(
            _token_url(store),
            headers={"Host": SHOP},
            json={
                **_creds(store),
                "grant_type": GRANT_EXCHANGE,
                "subject_token": token,
                "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
                "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token",
                "expiring": 1,
            },
        )
        assert response.status_code == 400 and response.json()["error"] == "invalid_subject_token"
