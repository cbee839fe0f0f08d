"""Mask secrets, tokens and customers' personal data in anything about to be logged or reported."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

MASK = "[redacted]"
SHORT_TEXT = 64  # characters: texts up to this long are cached once masked
# Keys whose values are never shown, compared without case, "-" or "_" (so X-Shopify-Access-Token,
# access_token and accessToken all match).
SENSITIVE_KEYS = frozenset({
    "authorization", "proxyauthorization", "cookie", "setcookie", "xshopifyaccesstoken",
    "xshopifyhmacsha256", "hmac", "signature", "code", "state", "idtoken", "sessiontoken",
    "password", "apikey", "apisecret", "clientsecret", "secret", "secretkey", "encryptionkey",
    "sentrydsn", "dsn", "metricstoken",
    # customers' personal data (Shopify protected customer data, level 2)
    "email", "contactemail", "customeremail", "defaultemailaddress", "emailaddress", "phone",
    "defaultphonenumber", "phonenumber", "smsmarketingphone", "firstname", "lastname", "name",
    "displayname", "fullname", "customername", "company", "address", "address1", "address2",
    "addresses", "defaultaddress", "billingaddress", "shippingaddress", "street", "zip", "postcode",
    "latitude", "longitude", "browserip", "clientip", "ip", "note",
})
# Any key containing one of these is sensitive too (refresh_token, webhookSecret, customer_email...).
SENSITIVE_PARTS = ("token", "secret", "password", "hmac", "authorization", "email", "phone",
                   "address", "firstname", "lastname")
# Keys named like a sensitive part but carrying none (counts, ids, kinds).
SAFE_KEYS = frozenset({"tokenkeyid", "accesstokenkeyid", "refreshtokenkeyid", "tokencount", "name_",
                       "logger", "loggername", "task", "taskname", "topic", "event"})

# (cheap test on the lower-cased text, pattern, replacement): a pattern runs only when its test
# passes, since most log values (ids, routes, domains) match none and regexes cost microseconds.
_KEYWORDS = ("authorization", "token", "secret", "password", "hmac", "signature")
_TEXT_PATTERNS: tuple[tuple[Callable[[str], bool], re.Pattern[str], str], ...] = (
    # "Authorization: Bearer x", "'X-Shopify-Access-Token': 'x'", "access_token=x", "hmac=x" ...
    (lambda low: any(k in low for k in _KEYWORDS),
     re.compile(r"(?i)((?:authorization|proxy-authorization|x-shopify-access-token|x-shopify-hmac-sha256"
                r"|access_token|accesstoken|refresh_token|id_token|session_token|client_secret|api_secret"
                r"|password|hmac|signature)[\"']?\s*[:=]\s*[\"']?)(?:bearer\s+)?[^\s\"',&;}]+"),
     r"\1" + MASK),
    (lambda low: "bearer" in low, re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"), "Bearer " + MASK),
    (lambda low: "shp" in low, re.compile(r"\bshp(?:at|ua|ca|ss|pa|rt)_[A-Za-z0-9]+"), MASK),
    (lambda low: "eyj" in low, re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), MASK),
    (lambda low: "@" in low, re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), "[email]"),
    # phone numbers: +international, or (613) 555-0100 / 613-555-0100 / 613.555.0100
    (lambda low: "+" in low, re.compile(r"\+\d[\d ().-]{6,}\d"), "[phone]"),
    (lambda low: True, re.compile(r"(?<![\d-])\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?![\d-])"), "[phone]"),
)


def _norm(key: str) -> str:
    return key.lower().replace("-", "").replace("_", "")


def sensitive_key(key: object) -> bool:
    """Return True when a mapping key names a secret or a piece of personal data."""
    return isinstance(key, str) and _sensitive_name(key)


@lru_cache(maxsize=4096)
def _sensitive_name(key: str) -> bool:
    norm = _norm(key)
    if norm in SAFE_KEYS:
        return False
    return norm in SENSITIVE_KEYS or any(part in norm for part in SENSITIVE_PARTS)


class Redactor:
    """Mask known secret values and sensitive keys and patterns in text and nested structures."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: tuple[str, ...] = ()
        # Log values repeat (routes, topics, domains, methods): remember short ones' masked form.
        self._short = lru_cache(maxsize=4096)(self._mask)
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str]) -> None:
        """Also mask these literal values wherever they appear (the app's own keys)."""
        # Short values would mask ordinary words; configured secrets are long.
        merged = set(self._secrets) | {s for s in secrets if s and len(s) >= 8}
        self._secrets = tuple(sorted(merged, key=len, reverse=True))
        self._short.cache_clear()

    def text(self, value: str) -> str:
        """Return `value` with secrets, tokens, emails and phone numbers masked."""
        return self._short(value) if len(value) <= SHORT_TEXT else self._mask(value)

    def _mask(self, value: str) -> str:
        for secret in self._secrets:
            if secret in value:
                value = value.replace(secret, MASK)
        low = value.lower()
        for applies, pattern, replacement in _TEXT_PATTERNS:
            if applies(low):
                value = pattern.sub(replacement, value)
        return value

    def field(self, key: str, value: Any) -> Any:
        """Return one named value masked: wholly when the key is sensitive, else its sensitive parts."""
        if value is None or isinstance(value, bool | int | float):
            return value
        if sensitive_key(key) and value != "":
            return MASK
        return self.value(value)

    def value(self, value: Any, depth: int = 0) -> Any:
        """Return a copy of a str, mapping or sequence with every sensitive part masked."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, bytes | bytearray):
            return self.text(bytes(value).decode("utf-8", "replace"))
        if value is None or isinstance(value, bool | int | float):
            return value
        if depth > 8:
            return MASK
        if isinstance(value, Mapping):
            return {k: (MASK if v not in (None, "") and sensitive_key(k) else self.value(v, depth + 1))
                    for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.value(v, depth + 1) for v in value]
        return self.text(str(value))


redactor = Redactor()
