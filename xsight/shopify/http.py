"""The one factory for outbound HTTP clients to Shopify."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from xsight.config import Settings

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0
SHOPIFY_HOST_SUFFIX = ".myshopify.com"


class _StoreOverrideTransport(httpx.BaseTransport):
    """Send `https://{shop}.myshopify.com/...` to another base URL, keeping the Host header."""

    def __init__(self, base_url: str, inner: httpx.BaseTransport) -> None:
        parts = urlsplit(base_url)
        self._scheme, self._netloc = parts.scheme, parts.netloc
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host.endswith(SHOPIFY_HOST_SUFFIX):
            request.headers["Host"] = host
            request.url = request.url.copy_with(scheme=self._scheme, netloc=self._netloc.encode())
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def build_http_client(settings: Settings, **kwargs: object) -> httpx.Client:
    """Return a pooled httpx client; in demo/test it routes Shopify hosts to the simulated store."""
    transport: httpx.BaseTransport = httpx.HTTPTransport(retries=0)
    if settings.SHOPIFY_STORE_URL_OVERRIDE:
        transport = _StoreOverrideTransport(settings.SHOPIFY_STORE_URL_OVERRIDE, transport)
    timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
    return httpx.Client(transport=transport, timeout=timeout, **kwargs)  # type: ignore[arg-type]


def admin_origin(settings: Settings, shop: str) -> str:
    """Return the origin a browser should use for the shop's admin (OAuth redirects)."""
    if settings.SHOPIFY_STORE_URL_OVERRIDE:
        return settings.SHOPIFY_STORE_URL_OVERRIDE.rstrip("/")
    return f"https://{shop}"
