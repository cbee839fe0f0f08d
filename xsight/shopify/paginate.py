"""Walk a cursor-paginated connection page by page, with what a sync needs to checkpoint."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from xsight.errors import MaxCostExceeded, ShopifyError
from xsight.shopify import queries
from xsight.shopify.client import DOCUMENT_NAME, AdminClient
from xsight.shopify.cost import MAX_PAGE_SIZE
from xsight.shopify.cost import page_size as cost_page_size

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Page:
    """One page of nodes; checkpoint `end_cursor` / `last_updated_at` after storing it."""

    nodes: list[dict[str, Any]]
    end_cursor: str | None
    has_next_page: bool
    page_size: int
    data: dict[str, Any] = field(default_factory=dict, repr=False)  # the whole response `data`

    @property
    def last_updated_at(self) -> str | None:
        """Return the updatedAt of the last node (pages sorted by UPDATED_AT), if selected."""
        for node in reversed(self.nodes):
            if node.get("updatedAt"):
                return str(node["updatedAt"])
        return None


def paginate(client: AdminClient, document: str, connection_path: str,
             variables: Mapping[str, Any] | None = None, page_size: int | None = None,
             after: str | None = None) -> Iterator[Page]:
    """Yield every page of the connection at `connection_path` (e.g. "orders"), from `after` on."""
    text = queries.load(document) if DOCUMENT_NAME.match(document) else document
    base = dict(variables or {})
    size = min(page_size, MAX_PAGE_SIZE) if page_size else cost_page_size(text, base)
    cursor = after
    while True:
        try:
            data = client.execute(text, {**base, "first": size, "after": cursor})
        except MaxCostExceeded:
            if size == 1:
                raise
            size = max(1, size // 2)
            logger.warning("query cost over Shopify's cap; retrying this page with first=%d", size)
            continue
        connection = _dig(data, connection_path)
        info = connection.get("pageInfo") or {}
        page = Page(nodes=_nodes(connection), end_cursor=info.get("endCursor") or cursor,
                    has_next_page=bool(info.get("hasNextPage")), page_size=size, data=data)
        yield page
        if not page.has_next_page:
            return
        if page.end_cursor == cursor:
            raise ShopifyError(f"Shopify reported another page of {connection_path} but the cursor "
                               "did not move; stopping instead of looping.")
        cursor = page.end_cursor


def _dig(data: Mapping[str, Any], path: str) -> Mapping[str, Any]:
    current: Any = data
    for key in path.split("."):
        if not isinstance(current, Mapping) or not isinstance(current.get(key), Mapping):
            raise ShopifyError(f"The response has no connection at {path!r} (missing {key!r}).")
        current = current[key]
    return current


def _nodes(connection: Mapping[str, Any]) -> list[dict[str, Any]]:
    if "nodes" in connection:
        return list(connection["nodes"] or [])
    return [edge["node"] for edge in connection.get("edges") or []]
