"""The one factory for every outbound httpx client that talks to Shopify."""

from __future__ import annotations

from typing import Any

import httpx

from xsight.config import Settings

SHOP_DOMAIN_SUFFIX = ".myshopify.com"
# Seconds to open a TCP/TLS connection; Shopify's edge answers fast or not at all.
CONNECT_TIMEOUT_SECONDS = 5.0
# Seconds to wait for a response or between body chunks; big GraphQL pages take a few seconds.
READ_TIMEOUT_SECONDS = 30.0
WRITE_TIMEOUT_SECONDS = 10.0
POOL_TIMEOUT_SECONDS = 10.0
# Connections kept per process: a worker talks to few shops at a time.
MAX_CONNECTIONS = 20
MAX_KEEPALIVE_CONNECTIONS = 10
USER_AGENT = "XSight/0.1 (+https://xsight.app)"


class StoreOverrideTransport(httpx.BaseTransport):
    """Send requests for https://{shop}.myshopify.com to a local store, keeping the Host header."""

    def __init__(self, base_url: str, inner: httpx.BaseTransport) -> None:
        self._base = httpx.URL(base_url.rstrip("/"))
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Rewrite a myshopify.com URL to the override base, then send it."""
        host = request.url.host
        if host.endswith(SHOP_DOMAIN_SUFFIX):
            request.url = self._rewrite(request.url)
            request.headers["Host"] = host
        return self._inner.handle_request(request)

    def _rewrite(self, url: httpx.URL) -> httpx.URL:
        prefix = self._base.raw_path.decode("ascii").rstrip("/")
        return url.copy_with(
            scheme=self._base.scheme,
            host=self._base.host,
            port=self._base.port,
            raw_path=(prefix + url.raw_path.decode("ascii")).encode("ascii"),
        )

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()


def build_http_client(settings: Settings, *, transport: httpx.BaseTransport | None = None,
                      **kwargs: Any) -> httpx.Client:
    """Return a pooled httpx client for Shopify, routed to the simulated store when configured.

    `transport` replaces the network (tests pass an httpx.MockTransport); other keyword
    arguments go to httpx.Client.
    """
    inner = transport or httpx.HTTPTransport(
        limits=httpx.Limits(max_connections=MAX_CONNECTIONS,
                            max_keepalive_connections=MAX_KEEPALIVE_CONNECTIONS),
        retries=0,
    )
    outer: httpx.BaseTransport = inner
    if settings.SHOPIFY_STORE_URL_OVERRIDE:
        outer = StoreOverrideTransport(settings.SHOPIFY_STORE_URL_OVERRIDE, inner)
    return httpx.Client(
        transport=outer,
        timeout=httpx.Timeout(CONNECT_TIMEOUT_SECONDS, read=READ_TIMEOUT_SECONDS,
                              write=WRITE_TIMEOUT_SECONDS, pool=POOL_TIMEOUT_SECONDS),
        **{"headers": {"User-Agent": USER_AGENT}, "follow_redirects": False, **kwargs},
    )


def admin_graphql_url(shop: str, api_version: str) -> str:
    """Return the Admin GraphQL endpoint for a shop domain like xsight-demo.myshopify.com."""
    return f"https://{shop}/admin/api/{api_version}/graphql.json"


def admin_origin(settings: Settings, shop: str) -> str:
    """Return the origin a browser should use for the shop's admin (OAuth redirects)."""
    if settings.SHOPIFY_STORE_URL_OVERRIDE:
        return settings.SHOPIFY_STORE_URL_OVERRIDE.rstrip("/")
    return f"https://{shop}"
