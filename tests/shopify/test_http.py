"""The client factory: pooled, with timeouts, routing myshopify.com to the simulated store."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import make_settings
from xsight.shopify.http import admin_origin, build_http_client


def recorder() -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    return seen, httpx.MockTransport(handler)


def test_override_rewrites_the_url_and_keeps_host_path_and_query(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, SHOPIFY_STORE_URL_OVERRIDE="http://127.0.0.1:8123")
    seen, transport = recorder()
    with build_http_client(settings, transport=transport) as http:
        http.post("https://xsight-demo.myshopify.com/admin/api/2026-04/graphql.json?debug=1", json={})
    request = seen[0]
    assert str(request.url) == "http://127.0.0.1:8123/admin/api/2026-04/graphql.json?debug=1"
    assert request.headers["Host"] == "xsight-demo.myshopify.com"


def test_override_with_a_base_path_prefixes_it(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, SHOPIFY_STORE_URL_OVERRIDE="http://store.local:9000/shopify/")
    seen, transport = recorder()
    with build_http_client(settings, transport=transport) as http:
        http.get("https://a-shop.myshopify.com/admin/oauth/authorize")
    assert str(seen[0].url) == "http://store.local:9000/shopify/admin/oauth/authorize"
    assert seen[0].headers["Host"] == "a-shop.myshopify.com"


def test_other_hosts_are_left_alone(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, SHOPIFY_STORE_URL_OVERRIDE="http://127.0.0.1:8123")
    seen, transport = recorder()
    with build_http_client(settings, transport=transport) as http:
        http.get("http://127.0.0.1:8123/bulk/op-1.jsonl")
        http.get("https://storage.googleapis.com/shopify-tiers-assets/x.jsonl")
    assert [str(r.url) for r in seen] == ["http://127.0.0.1:8123/bulk/op-1.jsonl",
                                          "https://storage.googleapis.com/shopify-tiers-assets/x.jsonl"]
    assert seen[1].headers["Host"] == "storage.googleapis.com"


def test_without_override_requests_go_to_shopify(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    seen, transport = recorder()
    with build_http_client(settings, transport=transport) as http:
        http.get("https://xsight-demo.myshopify.com/admin/api/2026-04/graphql.json")
        assert http.timeout.connect == 5.0 and http.timeout.read == 30.0
    assert seen[0].url.host == "xsight-demo.myshopify.com"
    assert admin_origin(settings, "xsight-demo.myshopify.com") == "https://xsight-demo.myshopify.com"


def test_real_transport_is_pooled(tmp_path: Path) -> None:
    with build_http_client(make_settings(tmp_path)) as http:
        pool = http._transport._pool  # type: ignore[attr-defined]
        assert pool._max_connections == 20
