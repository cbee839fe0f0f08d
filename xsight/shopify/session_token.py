"""Verify App Bridge ID tokens (session tokens) on app-home loads and API calls.

Signature, algorithm (HS256 only), `exp`/`nbf` with Shopify's 10 s leeway, `aud` and the
previous-secret rotation are checked by Shopify's maintained `shopifyapp` package; this module
adds the checks it leaves out: every claim present, `iss` and `dest` on the same shop, and a
valid *.myshopify.com shop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from shopify_app import ShopifyApp

from xsight.shopify.shop_domain import valid_shop_domain

REQUIRED_CLAIMS = ("iss", "dest", "aud", "sub", "exp", "nbf", "iat")
# Header that tells App Bridge to fetch a fresh ID token and retry the request.
RETRY_HEADER = "X-Shopify-Retry-Invalid-Session-Request"
PATCH_ID_TOKEN_PATH = "/auth/patch-id-token"  # noqa: S105 - a URL path, not a secret


@dataclass(frozen=True)
class VerifiedSession:
    """A verified ID token: the shop it is for and the staff user who holds it."""

    shop: str
    user_id: str | None
    token: str
    claims: dict[str, Any]
    headers: dict[str, str]  # extra headers for document responses (CSP, preload)


@dataclass(frozen=True)
class Rejection:
    """Why verification failed and the response Shopify's package suggests."""

    reason: str
    status: int
    headers: dict[str, str]


def verify(app: ShopifyApp, method: str, url: str, headers: dict[str, str]) -> VerifiedSession | Rejection:
    """Verify an app-home document request (id_token in the query) or a Bearer API request."""
    result = app.verify_app_home_req(
        {"method": method, "url": url, "headers": headers, "body": ""},
        app_home_patch_id_token_path=PATCH_ID_TOKEN_PATH,
    )
    if not result.ok or result.id_token is None:
        return Rejection(result.log.code, result.response.status, dict(result.response.headers))
    claims = dict(result.id_token.claims)
    problem = _claims_problem(claims)
    if problem:
        bearer = any(k.lower() == "authorization" for k in headers)
        retry = {RETRY_HEADER: "1"} if bearer else {}
        return Rejection(problem, 401, retry)
    shop = _host(claims["dest"])
    assert shop is not None  # checked by _claims_problem
    sub = claims.get("sub")
    return VerifiedSession(shop=shop, user_id=None if sub is None else str(sub),
                           token=result.id_token.token, claims=claims,
                           headers=dict(result.response.headers))


def _host(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return valid_shop_domain(urlsplit(value).hostname or "")


def _claims_problem(claims: dict[str, Any]) -> str | None:
    missing = [c for c in REQUIRED_CLAIMS if claims.get(c) in (None, "")]
    if missing:
        return "missing_claims:" + ",".join(missing)
    dest, iss = _host(claims["dest"]), _host(claims["iss"])
    if dest is None:
        return "invalid_dest"
    if iss != dest:
        return "iss_dest_mismatch"
    return None
