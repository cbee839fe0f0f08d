"""Guards for every /api/ request: a verified ID token for an installed shop, within its rate."""

from __future__ import annotations

from flask import current_app, g, request

from xsight import settings_of
from xsight.errors import RateLimited, Unauthorized
from xsight.ops import context
from xsight.ratelimit import Limiter, build_limiter
from xsight.services.installs import shop_by_domain
from xsight.services.shopify_app import shopify_app
from xsight.shopify import session_token

RETRY = {session_token.RETRY_HEADER: "1"}


def session_token_required() -> None:
    """Authenticate the request's Bearer ID token and set `g.shop` and `g.staff_user_id`."""
    if not request.headers.get("Authorization"):
        raise Unauthorized("Send the App Bridge ID token as `Authorization: Bearer <token>`.",
                           code="missing_session_token", headers=RETRY)
    outcome = session_token.verify(shopify_app(), request.method, request.url,
                                   dict(request.headers))
    if isinstance(outcome, session_token.Rejection):
        raise Unauthorized(f"The session token was rejected ({outcome.reason}); fetch a fresh one.",
                           code="invalid_session_token", headers=RETRY)
    shop = shop_by_domain(outcome.shop)
    if shop is None or not shop.installed:
        raise Unauthorized("This shop has not installed XSight; open the app from Shopify Admin.",
                           code="shop_not_installed", headers=RETRY)
    g.shop, g.staff_user_id = shop, outcome.user_id
    # Bound now, while loaded: read after a commit (access log), `shop.domain` would cost a reload.
    context.bind(shop=shop.domain)


def _limiter() -> Limiter:
    limiter: Limiter | None = current_app.extensions.get("xsight.limiter")
    if limiter is None:
        s = settings_of(current_app)
        limiter = build_limiter(s.REDIS_URL, s.RATE_LIMIT_PER_SECOND, s.RATE_LIMIT_BURST)
        current_app.extensions["xsight.limiter"] = limiter
    return limiter


def within_rate_limit() -> None:
    """Refuse the request with 429 when the shop has used up its request budget."""
    decision = _limiter().hit(f"shop:{g.shop.id}")
    if not decision.allowed:
        raise RateLimited(f"Too many requests for this shop; retry in {decision.retry_after_s} s.",
                          headers={"Retry-After": str(decision.retry_after_s)})
