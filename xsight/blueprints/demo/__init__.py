"""Demo-only routes: open the embedded app in a normal browser, with ID tokens from the store.

Registered only when Shopify is the simulated store (SHOPIFY_STORE_URL_OVERRIDE) outside
production; the real Admin provides ID tokens through App Bridge instead.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, redirect, request
from flask.typing import ResponseReturnValue

from xsight import settings_of
from xsight.errors import BadRequest, ServiceUnavailable
from xsight.services.shopify_app import http_client
from xsight.shopify.shop_domain import valid_shop_domain

DEFAULT_DEMO_SHOP = "xsight-demo.myshopify.com"
# base64 of "admin.shopify.com/store/xsight-demo", the `host` parameter the Admin would send.
DEMO_HOST = "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUveHNpZ2h0LWRlbW8"

bp = Blueprint("demo", __name__, url_prefix="/demo")


def _shop() -> str:
    shop = valid_shop_domain(request.args.get("shop", DEFAULT_DEMO_SHOP))
    if shop is None:
        raise BadRequest("shop must be a myshopify.com domain.")
    return shop


def mint_id_token(shop: str) -> str:
    """Ask the simulated store for an App Bridge-style ID token."""
    store = settings_of(current_app).SHOPIFY_STORE_URL_OVERRIDE.rstrip("/")
    response = http_client().get(f"{store}/_devstore/id_token", params={"shop": shop})
    if response.status_code != 200:
        raise ServiceUnavailable("The simulated store did not mint an ID token; is it running?")
    return str(response.json()["id_token"])


@bp.get("")
def open_app() -> ResponseReturnValue:
    """Redirect to the app home exactly as Shopify Admin would load it."""
    shop = _shop()
    query = {"shop": shop, "host": DEMO_HOST, "embedded": "1", "id_token": mint_id_token(shop)}
    return redirect("/?" + urlencode(query))


@bp.get("/id-token")
def id_token() -> ResponseReturnValue:
    """Return a fresh ID token for the demo shop (the front end's App Bridge stand-in)."""
    return jsonify({"id_token": mint_id_token(_shop())})
