"""Authorization code grant (non-embedded installs) and the ID-token bounce page."""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, redirect, request
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeTimedSerializer

from xsight import settings_of
from xsight.errors import BadRequest, Forbidden
from xsight.services.installs import install_with_code_grant
from xsight.services.shopify_app import http_client, shopify_app
from xsight.shopify import oauth
from xsight.shopify.http import admin_origin
from xsight.shopify.session_token import PATCH_ID_TOKEN_PATH
from xsight.shopify.shop_domain import valid_shop_domain

STATE_COOKIE = "xsight_oauth_state"
STATE_MAX_AGE_S = 10 * 60  # the merchant has ten minutes to approve the install

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="xsight-oauth-state")


def _shop_param() -> str:
    shop = valid_shop_domain(request.args.get("shop"))
    if shop is None:
        raise BadRequest("The shop parameter must be a shop's myshopify.com domain.",
                         code="invalid_shop")
    return shop


@bp.get("/install")
def install() -> ResponseReturnValue:
    """Send the merchant to Shopify to approve an offline token, remembering a state nonce."""
    shop = _shop_param()
    settings = settings_of(current_app)
    state = secrets.token_urlsafe(24)
    target = oauth.authorize_url(admin_origin(settings, shop), client_id=settings.SHOPIFY_API_KEY,
                                 scopes=settings.SHOPIFY_SCOPES,
                                 redirect_uri=settings.APP_URL.rstrip("/") + "/auth/callback",
                                 state=state)
    response = redirect(target)
    response.set_cookie(STATE_COOKIE, _serializer().dumps({"state": state, "shop": shop}),
                        max_age=STATE_MAX_AGE_S, httponly=True, secure=True, samesite="None",
                        path="/auth")
    return response


@bp.get("/callback")
def callback() -> ResponseReturnValue:
    """Check state, HMAC, timestamp and shop, then trade the code for a token."""
    shop = _shop_param()
    settings = settings_of(current_app)
    oauth.verify_query(request.args.to_dict(),
                       [settings.SHOPIFY_API_SECRET, settings.SHOPIFY_API_SECRET_PREVIOUS])
    try:
        remembered = _serializer().loads(request.cookies.get(STATE_COOKIE, ""),
                                         max_age=STATE_MAX_AGE_S)
    except BadSignature:
        raise Forbidden("The install state cookie is missing or expired; start the install again.",
                        code="invalid_state") from None
    if (not secrets.compare_digest(str(remembered.get("state")), request.args.get("state", ""))
            or remembered.get("shop") != shop):
        raise Forbidden("The install state does not match; start the install again.",
                        code="invalid_state")
    code = request.args.get("code", "")
    if not code:
        raise BadRequest("The callback has no authorization code.", code="missing_code")
    granted = oauth.exchange_code(http_client(), shop, client_id=settings.SHOPIFY_API_KEY,
                                  client_secret=settings.SHOPIFY_API_SECRET, code=code)
    install_with_code_grant(shop, granted)
    response = redirect(f"{admin_origin(settings, shop)}/admin/apps/{settings.SHOPIFY_API_KEY}")
    response.delete_cookie(STATE_COOKIE, path="/auth", secure=True, samesite="None")
    return response


@bp.get(PATCH_ID_TOKEN_PATH.removeprefix("/auth"))
def patch_id_token() -> ResponseReturnValue:
    """Serve Shopify's bounce page that fetches a fresh ID token and reloads the app."""
    result = shopify_app().app_home_patch_id_token(
        {"method": "GET", "url": request.url, "headers": dict(request.headers), "body": ""})
    if not result.ok:
        raise BadRequest(f"Cannot render the ID token page ({result.log.code}).")
    return result.response.body, result.response.status, dict(result.response.headers)
