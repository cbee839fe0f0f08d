"""Webhook HMAC check: agrees with Shopify's own verifier, current and previous secret, bad headers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random

import pytest
from shopify_app import ShopifyApp

from xsight.shopify.webhook_hmac import valid_webhook_hmac

SECRET, PREVIOUS = "current-secret-" + "a" * 32, "previous-secret-" + "b" * 32


def sign(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_current_and_previous_secret_are_accepted_others_not() -> None:
    body = b'{"id": 1, "note": "caf\xc3\xa9"}'
    assert valid_webhook_hmac(body, sign(body, SECRET), (SECRET, PREVIOUS))
    assert valid_webhook_hmac(body, sign(body, PREVIOUS), (SECRET, PREVIOUS))
    assert not valid_webhook_hmac(body, sign(body, PREVIOUS), (SECRET, ""))
    assert not valid_webhook_hmac(body, sign(body, "someone-else"), (SECRET, PREVIOUS))
    assert not valid_webhook_hmac(body + b" ", sign(body, SECRET), (SECRET, PREVIOUS))


@pytest.mark.parametrize("header", [None, "", "not base64!", "=" * 44, "A" * 65, "é" * 44,
                                    sign(b"{}", SECRET)[:-4]])
def test_missing_or_malformed_headers_are_refused(header: str | None) -> None:
    assert not valid_webhook_hmac(b"{}", header, (SECRET, PREVIOUS))


def test_agrees_with_shopifys_verifier_on_random_bodies() -> None:
    rng = random.Random(20261126)
    verifier = ShopifyApp("key", SECRET, PREVIOUS)
    for _ in range(300):
        body = "".join(rng.choice('{}[]":,. abcé\u00ff\u2603') for _ in range(rng.randrange(0, 200)))
        raw = body.encode()
        header = sign(raw, rng.choice((SECRET, PREVIOUS, "other")))
        if rng.random() < 0.2:  # a tampered signature
            header = header[:5] + ("A" if header[5] != "A" else "B") + header[6:]
        theirs = verifier.verify_webhook_req(
            {"method": "POST", "url": "https://app.test/webhooks", "body": body,
             "headers": {"X-Shopify-Hmac-Sha256": header}}).ok
        assert valid_webhook_hmac(raw, header, (SECRET, PREVIOUS)) == theirs
