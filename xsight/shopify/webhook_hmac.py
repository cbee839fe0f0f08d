"""Verify a webhook's `X-Shopify-Hmac-Sha256` over the raw body, before anything parses it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Iterable

# A base64 SHA-256 digest is 44 characters; anything much longer is not worth decoding.
MAX_HEADER_CHARS = 64


def valid_webhook_hmac(raw_body: bytes, header: str | None, secrets: Iterable[str]) -> bool:
    """Return True when `header` is the HMAC-SHA256 of the raw body under one of the secrets.

    Each comparison runs in constant time over the digest bytes. The body is neither decoded nor
    parsed here: the signature covers the bytes exactly as they arrived.
    """
    if not header or len(header) > MAX_HEADER_CHARS:
        return False
    try:
        received = base64.b64decode(header, validate=True)
    except (binascii.Error, ValueError):
        return False
    for secret in secrets:
        if secret and hmac.compare_digest(
                received, hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).digest()):
            return True
    return False
