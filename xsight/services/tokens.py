"""Offline tokens at rest: encrypt, read, refresh before expiry, and re-key."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update

from xsight.crypto import Sealed
from xsight.errors import ShopNotInstalled
from xsight.extensions import db
from xsight.models import Shop
from xsight.models.types import utcnow
from xsight.services.shopify_app import http_client, shopify_app, token_cipher
from xsight.shopify import token_exchange
from xsight.shopify.token_exchange import TokenSet

log = logging.getLogger(__name__)

# Refresh this long before the access token expires, so no call carries a dying token.
REFRESH_MARGIN = timedelta(minutes=5)


def _context(shop: Shop, field: str) -> str:
    return f"{shop.domain}:{field}"


def store_tokens(shop: Shop, tokens: TokenSet) -> None:
    """Encrypt and store a token pair on the shop (the caller commits)."""
    cipher = token_cipher()
    sealed = cipher.encrypt(tokens.access_token, _context(shop, "access_token"))
    shop.access_token_ciphertext, shop.access_token_key_id = sealed.blob, sealed.key_id
    shop.access_token_expires_at = tokens.expires_at
    if tokens.refresh_token:
        sealed = cipher.encrypt(tokens.refresh_token, _context(shop, "refresh_token"))
        shop.refresh_token_ciphertext, shop.refresh_token_key_id = sealed.blob, sealed.key_id
    else:
        shop.refresh_token_ciphertext = shop.refresh_token_key_id = None
    shop.refresh_token_expires_at = tokens.refresh_token_expires_at
    shop.scopes = tokens.scope


def clear_tokens(shop: Shop) -> None:
    """Forget the shop's tokens (the caller commits)."""
    shop.access_token_ciphertext = shop.access_token_key_id = None
    shop.refresh_token_ciphertext = shop.refresh_token_key_id = None
    shop.access_token_expires_at = shop.refresh_token_expires_at = None


def _open(shop: Shop, field: str) -> str | None:
    blob = getattr(shop, f"{field}_ciphertext")
    key_id = getattr(shop, f"{field}_key_id")
    if blob is None or key_id is None:
        return None
    return token_cipher().decrypt(Sealed(key_id, blob), _context(shop, field))


def has_usable_token(shop: Shop, now: datetime | None = None) -> bool:
    """Return True when the shop holds an access token that is valid or can be refreshed."""
    if shop.access_token_ciphertext is None or not shop.installed:
        return False
    now = now or utcnow()
    if shop.access_token_expires_at is None or shop.access_token_expires_at > now:
        return True
    return (shop.refresh_token_ciphertext is not None
            and (shop.refresh_token_expires_at is None or shop.refresh_token_expires_at > now))


def _needs_refresh(shop: Shop, now: datetime) -> bool:
    return (shop.access_token_expires_at is not None
            and shop.access_token_expires_at - REFRESH_MARGIN <= now)


def access_token(shop_id: int, *, force_refresh: bool = False) -> str:
    """Return a valid access token for the shop, refreshing it first when it is about to expire."""
    shop = db.session.get(Shop, shop_id)
    if shop is None or not shop.installed or shop.access_token_ciphertext is None:
        raise ShopNotInstalled("This shop has not installed XSight (or has uninstalled it).")
    if force_refresh or _needs_refresh(shop, utcnow()):
        return _refresh_locked(shop_id, stale_key_blob=shop.access_token_ciphertext)
    token = _open(shop, "access_token")
    assert token is not None
    return token


def _refresh_locked(shop_id: int, stale_key_blob: bytes | None) -> str:
    """Refresh under a row lock; a concurrent refresher's new pair is reused, never overwritten."""
    db.session.rollback()
    # Taking the write lock first serialises refreshers on both PostgreSQL and SQLite.
    db.session.execute(update(Shop).where(Shop.id == shop_id).values(updated_at=Shop.updated_at))
    shop = db.session.scalars(
        select(Shop).where(Shop.id == shop_id).with_for_update()
        .execution_options(populate_existing=True)).one()
    if shop.access_token_ciphertext != stale_key_blob and not _needs_refresh(shop, utcnow()):
        token = _open(shop, "access_token")  # someone else refreshed while we waited
        db.session.commit()
        assert token is not None
        return token
    refresh_token = _open(shop, "refresh_token")
    if refresh_token is None:
        db.session.commit()
        raise ShopNotInstalled("The shop's token has expired and there is no refresh token; "
                               "the merchant must open the app again.")
    try:
        tokens = token_exchange.refresh(shopify_app(), shop.domain, refresh_token, http_client(),
                                        shop.refresh_token_expires_at)
    except Exception:
        db.session.rollback()
        raise
    store_tokens(shop, tokens)
    db.session.commit()
    log.info("refreshed offline token", extra={"shop": shop.domain})
    return tokens.access_token


def rotate_encryption_key() -> int:
    """Re-encrypt every stored token under the current key; return how many shops changed."""
    cipher = token_cipher()
    changed = 0
    for shop in db.session.scalars(select(Shop)).all():
        fields = [f for f in ("access_token", "refresh_token")
                  if cipher.needs_rotation(getattr(shop, f"{f}_key_id"))]
        for field in fields:
            plain = _open(shop, field)
            assert plain is not None
            sealed = cipher.encrypt(plain, _context(shop, field))
            setattr(shop, f"{field}_ciphertext", sealed.blob)
            setattr(shop, f"{field}_key_id", sealed.key_id)
        changed += bool(fields)
    db.session.commit()
    return changed
