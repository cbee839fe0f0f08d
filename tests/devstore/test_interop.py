"""Shopify's own Python client (shopifyapp) talks to the store unchanged."""

from __future__ import annotations

import httpx
from shopify_app.graphql.admin_graphql import admin_graphql_request

from xsight.devstore import StoreHandle

from .conftest import RewriteTransport


def test_shopifyapp_admin_graphql_request(store: StoreHandle) -> None:
    client = httpx.Client(transport=RewriteTransport(store.base_url))
    token = store.access_token()
    result = admin_graphql_request(
        "{ shop { myshopifyDomain } orders(first: 2) { nodes { id } } }",
        "xsight-demo",
        token,
        store.config.api_version,
        http_client=client,
    )
    assert result.ok, result.log
    assert result.data is not None and result.data["shop"]["myshopifyDomain"] == store.shop
    assert result.extensions is not None and result.extensions["cost"]["requestedQueryCost"] == 5
    denied = admin_graphql_request(
        "{ shop { id } }", "xsight-demo", "shpat_bad", store.config.api_version, http_client=client
    )
    assert not denied.ok and denied.response.status == 401
