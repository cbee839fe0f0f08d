"""Validate shop domains the way Shopify's libraries do."""

from __future__ import annotations

import re

# Shopify's commonly used pattern (SHOPIFY-PLATFORM.md d.3): one label, then .myshopify.com.
SHOP_DOMAIN_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$")


def valid_shop_domain(value: str | None) -> str | None:
    """Return the lower-cased shop domain if it is a valid *.myshopify.com host, else None."""
    if not value or len(value) > 255:
        return None
    return value.lower() if SHOP_DOMAIN_RE.fullmatch(value) else None


def shop_handle(domain: str) -> str:
    """Return the shop's handle (`name` in `name.myshopify.com`)."""
    return domain.removesuffix(".myshopify.com")
