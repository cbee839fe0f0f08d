"""Build the per-process Shopify helpers (the `shopifyapp` verifier, HTTP client, cipher)."""

from __future__ import annotations

import httpx
from flask import current_app
from shopify_app import ShopifyApp

from xsight import settings_of
from xsight.config import Settings
from xsight.crypto import TokenCipher
from xsight.shopify.http import build_http_client


def shopify_app(settings: Settings | None = None) -> ShopifyApp:
    """Return Shopify's request verifier configured with the current and previous secret."""
    s = settings or settings_of(current_app)
    return ShopifyApp(s.SHOPIFY_API_KEY, s.SHOPIFY_API_SECRET,
                      s.SHOPIFY_API_SECRET_PREVIOUS or None)


def http_client() -> httpx.Client:
    """Return the app's shared outbound HTTP client (created on first use)."""
    client: httpx.Client | None = current_app.extensions.get("xsight.http")
    if client is None or client.is_closed:
        client = build_http_client(settings_of(current_app))
        current_app.extensions["xsight.http"] = client
    return client


def token_cipher() -> TokenCipher:
    """Return the cipher for tokens at rest, built from ENCRYPTION_KEY(_PREVIOUS)."""
    cipher: TokenCipher | None = current_app.extensions.get("xsight.cipher")
    if cipher is None:
        s = settings_of(current_app)
        cipher = TokenCipher(s.ENCRYPTION_KEY, s.ENCRYPTION_KEY_PREVIOUS)
        current_app.extensions["xsight.cipher"] = cipher
    return cipher
