"""No secret, token or customer personal data reaches a log line, whatever shape it is logged in."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask

from tests.conftest import TEST_API_SECRET
from xsight.ops.redact import Redactor, sensitive_key

ACCESS_TOKEN = "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"
REFRESH_TOKEN = "shprt_1679091c5a880faf6fb5e6087eb1b2dc"
ID_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczovL2EubXlzaG9waWZ5LmNvbS9hZG1pbiJ9.c2lnbmF0dXJl"
HMAC = "kvUFWZF4N3x0ys9hJ3xPz6bNTgA8kC2YdX8MVhZ9QmA="
EMAIL = "ada.lovelace@example.com"
PHONE = "+1 613-555-0142"
LOCAL_PHONE = "(613) 555-0199"
FIRST, LAST = "Augusta", "Byron-King"
STREET, CITY_ZIP = "12 Analytical Engine Row", "K1A 0B1"
SECRETS = (ACCESS_TOKEN, REFRESH_TOKEN, ID_TOKEN, HMAC, EMAIL, PHONE, LOCAL_PHONE, FIRST, LAST, STREET,
           CITY_ZIP, TEST_API_SECRET)


def log_everything(logger: logging.Logger) -> None:
    """Log each sensitive value in every shape code tends to log it."""
    headers = {"Authorization": f"Bearer {ID_TOKEN}", "X-Shopify-Access-Token": ACCESS_TOKEN,
               "X-Shopify-Hmac-Sha256": HMAC, "Content-Type": "application/json"}
    customer = {"id": 7, "email": EMAIL, "phone": PHONE, "first_name": FIRST, "lastName": LAST,
                "default_address": {"address1": STREET, "zip": CITY_ZIP, "phone": LOCAL_PHONE},
                "addresses": [{"address1": STREET}], "tags": ["vip"]}
    logger.info("headers %s", headers)  # a dict interpolated into the message
    logger.info("request", extra={"headers": headers, "payload": customer})
    logger.warning("token exchange answered %s", json.dumps({"access_token": ACCESS_TOKEN,
                                                             "refresh_token": REFRESH_TOKEN}))
    logger.info("customer %s called from %s about %s", EMAIL, LOCAL_PHONE, f"Bearer {ID_TOKEN}")
    logger.info("signing with %s", TEST_API_SECRET)
    logger.info("callback ?code=abc&hmac=%s&shop=a.myshopify.com&id_token=%s", HMAC, ID_TOKEN)
    try:
        raise RuntimeError(f"Shopify said no to {ACCESS_TOKEN} for {EMAIL} ({PHONE})")
    except RuntimeError:
        logger.exception("call failed", extra={"refresh_token": REFRESH_TOKEN})
    try:
        raise KeyError({"X-Shopify-Access-Token": ACCESS_TOKEN, "email": EMAIL})
    except KeyError as exc:
        logger.error("lookup failed: %r", exc, exc_info=True)


@pytest.mark.parametrize("fmt", ["json", "human"])
def test_no_sensitive_value_reaches_any_log_output(app: Flask, fmt: str, capsys: pytest.CaptureFixture[str],
                                                   caplog: pytest.LogCaptureFixture) -> None:
    from xsight.ops import logs

    logs.configure("DEBUG", fmt, (TEST_API_SECRET,))
    caplog.set_level(logging.DEBUG)
    log_everything(logging.getLogger("xsight.test"))
    written = capsys.readouterr().err
    assert written.count("\n") >= 8, written  # every record was written, none dropped
    assert "call failed" in written and "RuntimeError" in written  # the traceback is kept, masked
    for where, text in {"stderr": written, "caplog": caplog.text}.items():
        for value in SECRETS:
            assert value not in text, f"{value!r} leaked into {where}"
    assert "Content-Type" in written and "application/json" in written  # harmless fields survive
    assert "a.myshopify.com" in written and "vip" in written
    if fmt == "json":
        lines = [json.loads(line) for line in written.splitlines() if line.startswith("{")]
        request = next(line for line in lines if line["event"] == "request")
        assert request["headers"]["Authorization"] == "[redacted]"
        assert request["payload"]["id"] == 7 and request["payload"]["email"] == "[redacted]"


def test_sensitive_keys() -> None:
    for key in ("Authorization", "x-shopify-access-token", "X-Shopify-Hmac-Sha256", "accessToken",
                "refresh_token", "client_secret", "email", "defaultEmailAddress", "phone", "firstName",
                "last_name", "billing_address", "address1", "password", "Cookie"):
        assert sensitive_key(key), key
    for key in ("shop", "topic", "webhook_id", "task_id", "status", "orders", "access_token_key_id"):
        assert not sensitive_key(key), key


def test_redactor_masks_text_and_leaves_plain_numbers() -> None:
    redactor = Redactor(["s3cr3t-value-xyz"])
    text = redactor.text(f"order 5123456789012 on 2026-11-26 by {EMAIL} key s3cr3t-value-xyz")
    assert text == "order 5123456789012 on 2026-11-26 by [email] key [redacted]"
