"""Serve Shopify's OAuth endpoints: authorize (auto-approve) and access_token grants."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import jwt
from flask import Blueprint, jsonify, redirect, request

from .config import ID_TOKEN_TTL_S, StoreConfig
from .graphql_api import fault_response, services
from .tokens import TokenError

bp = Blueprint("devstore_oauth", __name__)
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105
ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"  # noqa: S105
OFFLINE_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token"
ONLINE_TYPE = "urn:shopify:params:oauth:token-type:online-access-token"
JWT_LEEWAY_S = 10  # same clock tolerance as Shopify's libraries


def query_hmac(params: dict[str, str], secret: str) -> str:
    """Return the hex HMAC-SHA256 Shopify puts on redirects: sorted k=v pairs joined by &."""
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in ("hmac", "signature"))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def mint_id_token(config: StoreConfig, shop: str, user_id: int = 1, ttl: int = ID_TOKEN_TTL_S) -> str:
    """Return an App Bridge-style ID token for a shop, signed HS256 with the app secret."""
    now = int(time.time())
    claims = {
        "iss": f"https://{shop}/admin",
        "dest": f"https://{shop}",
        "aud": config.api_key,
        "sub": str(user_id),
        "exp": now + ttl,
        "nbf": now,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "sid": hashlib.sha256(f"{shop}:{user_id}:{config.api_key}".encode()).hexdigest()[:32],
    }
    return jwt.encode(claims, config.api_secret, algorithm="HS256")


@bp.get("/admin/oauth/authorize")
def authorize() -> Any:
    """Auto-approve an install: redirect to redirect_uri with code, hmac, host, shop, state, timestamp."""
    svc = services()
    shop = svc.shop_for_host(request.host)
    if shop is None:
        return jsonify(error="shop_not_found"), 404
    args = request.args
    if args.get("client_id") != svc.config.api_key or not args.get("redirect_uri"):
        return jsonify(
            error="invalid_request", error_description="Unknown client_id or missing redirect_uri"
        ), 400
    scope = args.get("scope") or svc.config.scopes
    params = {
        "code": svc.tokens.issue_code(shop, svc.config.api_key, scope),
        "host": base64.b64encode(f"admin.shopify.com/store/{shop.split('.')[0]}".encode()).decode(),
        "shop": shop,
        "state": args.get("state", ""),
        "timestamp": str(int(time.time())),
    }
    params["hmac"] = query_hmac(params, svc.config.api_secret)
    return redirect(f"{args['redirect_uri']}?{urlencode(params)}")


def _error(error: str, description: str, status: int = 400) -> Any:
    return jsonify(error=error, error_description=description), status


@bp.post("/admin/oauth/access_token")
def access_token() -> Any:
    """Grant tokens: authorization code, token exchange (ID token) and refresh_token."""
    svc = services()
    failed = fault_response()
    if failed is not None:
        return failed
    shop = svc.shop_for_host(request.host)
    if shop is None:
        return _error("shop_not_found", "Unknown shop", 404)
    body: dict[str, Any] = request.get_json(silent=True) or request.form.to_dict() or request.args.to_dict()
    cfg = svc.config
    if body.get("client_id") != cfg.api_key or not hmac.compare_digest(
        str(body.get("client_secret", "")), cfg.api_secret
    ):
        return _error(
            "invalid_client", "Client authentication failed: unknown client_id or wrong client_secret"
        )
    expiring = str(body.get("expiring", "0")) == "1"
    grant = body.get("grant_type")
    try:
        if grant == TOKEN_EXCHANGE:
            return jsonify(_token_exchange(svc, shop, body, expiring))
        if grant == "refresh_token":
            return jsonify(svc.tokens.refresh(shop, cfg.api_key, str(body.get("refresh_token", ""))))
        if grant in (None, "authorization_code") and body.get("code"):
            return jsonify(svc.tokens.redeem_code(shop, cfg.api_key, str(body["code"]), expiring))
    except TokenError as exc:
        return _error(exc.error, exc.description)
    return _error("unsupported_grant_type", f"Unsupported grant_type {grant!r}")


def _token_exchange(svc: Any, shop: str, body: dict[str, Any], expiring: bool) -> dict[str, Any]:
    if body.get("subject_token_type") != ID_TOKEN_TYPE:
        raise TokenError("invalid_request", f"subject_token_type must be {ID_TOKEN_TYPE}")
    requested = body.get("requested_token_type")
    if requested not in (OFFLINE_TYPE, ONLINE_TYPE):
        raise TokenError("invalid_request", f"requested_token_type must be {OFFLINE_TYPE} or {ONLINE_TYPE}")
    try:
        claims = jwt.decode(
            str(body.get("subject_token", "")),
            svc.config.api_secret,
            algorithms=["HS256"],
            audience=svc.config.api_key,
            leeway=JWT_LEEWAY_S,
            options={"require": ["exp", "nbf", "iss", "dest", "aud"]},
        )
    except jwt.PyJWTError as exc:
        raise TokenError("invalid_subject_token", f"The subject token is invalid: {exc}") from exc
    if claims["dest"] != f"https://{shop}":
        raise TokenError("invalid_subject_token", "The subject token was issued for another shop")
    if requested == ONLINE_TYPE:
        out = svc.tokens.issue(shop, svc.config.api_key, svc.config.scopes, True)
        out.pop("refresh_token")
        out.pop("refresh_token_expires_in")
        out["associated_user_scope"] = svc.config.scopes
        out["associated_user"] = {
            "id": int(claims.get("sub", 1)),
            "first_name": "Demo",
            "last_name": "Staff",
            "email": f"staff@{shop}",
            "account_owner": True,
            "locale": "en",
            "collaborator": False,
            "email_verified": True,
        }
        return dict(out)
    return dict(svc.tokens.issue(shop, svc.config.api_key, svc.config.scopes, expiring))
