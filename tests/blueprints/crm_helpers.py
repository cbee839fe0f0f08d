"""Helpers for the CRM API tests: walk keyset pages, build customers with exact values."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.conftest import ShopifyHelper


def get(client: FlaskClient, shopify: ShopifyHelper, domain: str, url: str) -> Any:
    """GET an API url as the shop; return the response."""
    return client.get(url, headers=shopify.auth(domain))


def walk(client: FlaskClient, shopify: ShopifyHelper, domain: str, url: str, key: str,
         limit: int = 7) -> tuple[list[dict[str, Any]], list[int]]:
    """Follow next_cursor from the first page to the last; return every row and each page's total."""
    rows: list[dict[str, Any]] = []
    totals: list[int] = []
    after = None
    sep = "&" if "?" in url else "?"
    for _ in range(1000):
        page_url = f"{url}{sep}limit={limit}" + (f"&after={after}" if after else "")
        response = get(client, shopify, domain, page_url)
        assert response.status_code == 200, (page_url, response.json)
        body = response.json
        rows += body[key]
        if "total" in body:
            totals.append(body["total"])
        after = body["next_cursor"]
        if after is None:
            return rows, totals
        assert len(body[key]) == limit
    raise AssertionError("pagination did not end")
