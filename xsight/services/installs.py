"""Install, reinstall and uninstall a shop."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from xsight.extensions import db
from xsight.models import Shop
from xsight.models.types import utcnow
from xsight.services import tokens
from xsight.services.shopify_app import http_client, shopify_app
from xsight.shopify import token_exchange
from xsight.shopify.oauth import GrantedToken
from xsight.shopify.session_token import VerifiedSession
from xsight.shopify.token_exchange import TokenSet

log = logging.getLogger(__name__)

# Called with the shop id after a (re)install commits; the sync engine registers the backfill.
after_install: list[Callable[[int], None]] = []


def shop_by_domain(domain: str) -> Shop | None:
    """Return the shop with this domain, installed or not."""
    return db.session.scalars(select(Shop).where(Shop.domain == domain)).one_or_none()


def ensure_installed(session: VerifiedSession) -> Shop:
    """Make sure the shop behind a verified ID token holds a usable offline token."""
    shop = shop_by_domain(session.shop)
    if shop is not None and tokens.has_usable_token(shop):
        return shop
    granted = token_exchange.exchange(shopify_app(), session, http_client())
    return _complete_install(session.shop, granted)


def install_with_code_grant(domain: str, granted: GrantedToken) -> Shop:
    """Store the token from an authorization code grant and mark the shop installed."""
    now = utcnow()
    expires = (now + timedelta(seconds=granted.expires_in)) if granted.expires_in else None
    refresh_expires = (now + timedelta(seconds=granted.refresh_token_expires_in)
                       if granted.refresh_token_expires_in else None)
    return _complete_install(domain, TokenSet(granted.access_token, granted.scope, expires,
                                              granted.refresh_token, refresh_expires))


def _complete_install(domain: str, granted: TokenSet) -> Shop:
    shop = shop_by_domain(domain)
    if shop is None:
        shop = Shop(domain=domain)
        db.session.add(shop)
    first_time = not shop.installed
    tokens.store_tokens(shop, granted)
    shop.installed = True
    if first_time:
        shop.installed_at, shop.uninstalled_at = utcnow(), None
    db.session.commit()
    log.info("shop installed", extra={"shop": domain, "first_time": first_time})
    if first_time:
        for hook in after_install:
            try:
                hook(shop.id)
            except Exception:  # the install stands; the periodic reconciliation retries the sync
                log.exception("post-install hook failed", extra={"shop": domain})
    return shop


def uninstall(domain: str) -> Shop | None:
    """Drop the shop's tokens at once and mark it uninstalled; its data stays until shop/redact."""
    shop = shop_by_domain(domain)
    if shop is None:
        return None
    tokens.clear_tokens(shop)
    shop.installed = False
    shop.uninstalled_at = utcnow()
    db.session.commit()
    log.info("shop uninstalled", extra={"shop": domain})
    return shop
