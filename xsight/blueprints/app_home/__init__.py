"""The app home: the document Shopify Admin loads in its iframe."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from xsight import settings_of
from xsight.errors import Unauthorized
from xsight.frontend import load_assets
from xsight.services.installs import ensure_installed
from xsight.services.shopify_app import shopify_app
from xsight.shopify import session_token
from xsight.shopify.shop_domain import valid_shop_domain

APP_BRIDGE_SRC = "https://cdn.shopify.com/shopifycloud/app-bridge.js"
# Client-side routes of the front end; each serves the same document.
CLIENT_ROUTES = ("/", "/customers", "/customers/<path:rest>", "/segments",
                 "/segments/<path:rest>", "/analytics", "/sync", "/settings")

bp = Blueprint("app_home", __name__)


def app_home(rest: str | None = None) -> ResponseReturnValue:
    """Verify the ID token, install on first open (token exchange), and serve the app shell."""
    shop_param = valid_shop_domain(request.args.get("shop"))
    if ("id_token" not in request.args and request.args.get("embedded") != "1"
            and shop_param and "hmac" in request.args):
        # Opened outside the Admin with a signed install link: use the authorization code grant.
        return redirect(url_for("auth.install") + "?" + request.query_string.decode())
    outcome = session_token.verify(shopify_app(), request.method, request.url,
                                   dict(request.headers))
    if isinstance(outcome, session_token.Rejection):
        if outcome.status == 302 and "Location" in outcome.headers:
            return redirect(outcome.headers["Location"])
        raise Unauthorized(f"Open XSight from Shopify Admin ({outcome.reason}).",
                           code="invalid_session_token")
    shop = ensure_installed(outcome)
    settings = settings_of(current_app)
    html = render_template("app.html", api_key=settings.SHOPIFY_API_KEY,
                           app_bridge_src=APP_BRIDGE_SRC, assets=load_assets(), shop=shop.domain,
                           currency=shop.currency, timezone=shop.iana_timezone)
    headers = {k: v for k, v in outcome.headers.items() if k in ("Content-Security-Policy", "Link")}
    headers.setdefault("Content-Security-Policy",
                       f"frame-ancestors https://{shop.domain} https://admin.shopify.com;")
    return html, 200, headers


for _n, _rule in enumerate(CLIENT_ROUTES):
    bp.add_url_rule(_rule, "index" if _rule == "/" else f"client_route_{_n}", app_home)
