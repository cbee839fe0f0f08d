"""Authorization code grant for non-embedded installs.

Shopify's `shopifyapp` package covers embedded apps only (token exchange), so the classic
OAuth redirect, its query HMAC and the code exchange are written here, following Shopify's
documented steps (SHOPIFY-PLATFORM.md d).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from xsight.errors import BadRequest, Forbidden

# Shopify signs install and callback requests with a timestamp; older ones are replays.
MAX_TIMESTAMP_AGE_S = 24 * 60 * 60
# Allow a little clock skew for timestamps slightly in the future.
FUTURE_TOLERANCE_S = 60
UNSIGNED_PARAMS = frozenset({"hmac", "signature"})


@dataclass(frozen=True)
class GrantedToken:
    """An access token from the authorization code grant."""

    access_token: str
    scope: str
    expires_in: int | None
    refresh_token: str | None
    refresh_token_expires_in: int | None


def query_hmac(params: Iterable[tuple[str, str]], secret: str) -> str:
    """Return Shopify's hex HMAC-SHA256 over the sorted `k=v` pairs (hmac/signature excluded)."""
    pairs = sorted((k, v) for k, v in params if k not in UNSIGNED_PARAMS)
    message = "&".join(f"{k}={v}" for k, v in pairs)
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def verify_query(params: Mapping[str, str], secrets: Iterable[str], *, now: float | None = None) -> None:
    """Raise unless the query carries a valid HMAC (current or previous secret) and a fresh timestamp."""
    received = params.get("hmac", "")
    if not received:
        raise BadRequest("The request is missing its hmac parameter.", code="invalid_hmac")
    items = list(params.items())
    if not any(hmac.compare_digest(query_hmac(items, s), received) for s in secrets if s):
        raise Forbidden("The request's HMAC does not match; it was not signed by Shopify.",
                        code="invalid_hmac")
    try:
        timestamp = int(params.get("timestamp", ""))
    except ValueError:
        raise BadRequest("The request has no valid timestamp.", code="invalid_timestamp") from None
    age = (time.time() if now is None else now) - timestamp
    if age > MAX_TIMESTAMP_AGE_S or age < -FUTURE_TOLERANCE_S:
        raise Forbidden("The request's timestamp is more than 24 hours old.", code="stale_request")


def authorize_url(admin_origin: str, *, client_id: str, scopes: str, redirect_uri: str, state: str) -> str:
    """Return the URL that asks the merchant to grant an offline token."""
    query = urlencode({"client_id": client_id, "scope": scopes, "redirect_uri": redirect_uri,
                       "state": state})
    return f"{admin_origin}/admin/oauth/authorize?{query}"


def exchange_code(http: httpx.Client, shop: str, *, client_id: str, client_secret: str,
                  code: str) -> GrantedToken:
    """Trade an authorization code for an offline access token."""
    response = http.post(f"https://{shop}/admin/oauth/access_token",
                         json={"client_id": client_id, "client_secret": client_secret, "code": code},
                         headers={"Accept": "application/json"})
    if response.status_code != 200:
        raise Forbidden("Shopify refused the authorization code (it may have been used already).",
                        code="code_rejected")
    body = response.json()
    if not isinstance(body, dict) or not body.get("access_token"):
        raise Forbidden("Shopify's token response had no access token.", code="code_rejected")
    return GrantedToken(
        access_token=str(body["access_token"]),
        scope=str(body.get("scope", "")),
        expires_in=body.get("expires_in"),
        refresh_token=body.get("refresh_token"),
        refresh_token_expires_in=body.get("refresh_token_expires_in"),
    )
