"""The ID token matrix: every malformed or foreign token gets 401 with the retry header."""

from __future__ import annotations

import time
from collections.abc import Callable

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask.testing import FlaskClient

from tests.conftest import TEST_PREVIOUS_SECRET, ShopifyHelper
from xsight.models import Shop
from xsight.shopify.session_token import REQUIRED_CLAIMS, RETRY_HEADER

SHOP = "alpha.myshopify.com"


@pytest.fixture
def installed(make_shop: Callable[..., Shop]) -> Shop:
    return make_shop(domain=SHOP)


def get_shop(client: FlaskClient, token: str):  # type: ignore[no-untyped-def]
    return client.get("/api/v1/shop", headers={"Authorization": f"Bearer {token}"})


def assert_rejected(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401, response.json
    assert response.headers[RETRY_HEADER] == "1"
    assert set(response.json) == {"error", "message"}


def test_valid_token_returns_the_shop(client: FlaskClient, installed: Shop,
                                      shopify: ShopifyHelper) -> None:
    response = get_shop(client, shopify.id_token(SHOP))
    assert response.status_code == 200
    assert response.json["domain"] == SHOP
    assert response.json["installed"] is True


def test_previous_secret_is_accepted_during_rotation(client: FlaskClient, installed: Shop,
                                                     shopify: ShopifyHelper) -> None:
    assert get_shop(client, shopify.id_token(SHOP, secret=TEST_PREVIOUS_SECRET)).status_code == 200


def test_nbf_within_leeway_is_accepted(client: FlaskClient, installed: Shop,
                                       shopify: ShopifyHelper) -> None:
    assert get_shop(client, shopify.id_token(SHOP, nbf=int(time.time()) + 5)).status_code == 200


def _rsa_token(shopify: ShopifyHelper) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(shopify.claims(SHOP), key, algorithm="RS256")


def _none_token(shopify: ShopifyHelper) -> str:
    return jwt.encode(shopify.claims(SHOP), key=None, algorithm="none")  # type: ignore[arg-type]


BAD_TOKENS: dict[str, Callable[[ShopifyHelper], str]] = {
    "expired": lambda s: s.id_token(SHOP, exp=int(time.time()) - 20),
    "nbf_beyond_leeway": lambda s: s.id_token(SHOP, nbf=int(time.time()) + 30),
    "wrong_aud": lambda s: s.id_token(SHOP, aud="someone-else"),
    "wrong_secret": lambda s: s.id_token(SHOP, secret="not-the-secret-at-all-0000000000"),
    "alg_none": _none_token,
    "hs512": lambda s: s.id_token(SHOP, algorithm="HS512"),
    "rs256": _rsa_token,
    "iss_other_shop": lambda s: s.id_token(SHOP, iss="https://beta.myshopify.com/admin"),
    "dest_not_a_shop": lambda s: s.id_token(SHOP, dest="https://evil.com",
                                            iss="https://evil.com/admin"),
    "garbage": lambda s: "not.a.jwt",
    "empty_segments": lambda s: "..",
    **{f"missing_{claim}": (lambda c: lambda s: s.id_token(SHOP, **{c: None}))(claim)
       for claim in REQUIRED_CLAIMS},
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
def test_bad_tokens_are_rejected(client: FlaskClient, installed: Shop, shopify: ShopifyHelper,
                                 case: str) -> None:
    assert_rejected(get_shop(client, BAD_TOKENS[case](shopify)))


def test_unknown_shop_is_rejected(client: FlaskClient, installed: Shop,
                                  shopify: ShopifyHelper) -> None:
    assert_rejected(get_shop(client, shopify.id_token("stranger.myshopify.com")))


def test_uninstalled_shop_is_rejected(client: FlaskClient, make_shop: Callable[..., Shop],
                                      shopify: ShopifyHelper) -> None:
    make_shop(domain="gone.myshopify.com", installed=False)
    response = get_shop(client, shopify.id_token("gone.myshopify.com"))
    assert_rejected(response)
    assert response.json["error"] == "shop_not_installed"


@pytest.mark.parametrize("header", [None, "Basic abc", "Bearer", "bearer x"])
def test_missing_or_malformed_authorization(client: FlaskClient, installed: Shop,
                                            header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    assert_rejected(client.get("/api/v1/shop", headers=headers))
