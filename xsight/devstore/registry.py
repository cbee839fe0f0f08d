"""Map (GraphQL type, field) to the store's resolvers; everything else is unsupported."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from .storage import Storage

Resolver = Callable[..., Any]
RESOLVERS: dict[str, dict[str, Resolver]] = {}
# Plain-dict types: these fields are read straight from the dict the parent resolver built.
PASSTHROUGH: dict[str, set[str]] = {
    "MoneyV2": {"amount", "currencyCode"},
    "MoneyBag": {"shopMoney", "presentmentMoney"},
    "PageInfo": {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"},
    "Node": {"id"},
    "UserError": {"field", "message"},
    "BulkOperationUserError": {"field", "message", "code"},
    "TagsAddPayload": {"node", "userErrors"},
    "TagsRemovePayload": {"node", "userErrors"},
    "BulkOperationRunQueryPayload": {"bulkOperation", "userErrors"},
    "ShopPlan": {"displayName", "partnerDevelopment", "publicDisplayName", "shopifyPlus"},
}


@dataclass
class Ctx:
    """Per-request (or per bulk operation) context: where the data is and which shop asks."""

    storage: Storage
    shop: str
    shop_no: int
    shop_doc: dict[str, Any]
    services: Any = None
    cache: dict[str, dict[int, Any]] = field(default_factory=dict)
    bulk_rows: list[Any] | None = None  # set by a bulk operation: the root connection's current batch

    def product(self, pid: int) -> dict[str, Any] | None:
        """Return a product of this shop by numeric id (cached for the request)."""
        products = self.cache.get("products")
        if products is None:
            rows = self.storage.query("SELECT doc FROM products WHERE shop=?", (self.shop,))
            products = {d["id"]: d for d in (tag(json.loads(r[0]), "Product") for r in rows)}
            self.cache["products"] = products
        return products.get(pid)

    def customer(self, cid: int | None) -> dict[str, Any] | None:
        """Return a customer of this shop by numeric id (cached for the request)."""
        if cid is None:
            return None
        cache = self.cache.setdefault("customers", {})
        if cid not in cache:
            rows = self.storage.query("SELECT doc FROM customers WHERE id=? AND shop=?", (cid, self.shop))
            cache[cid] = tag(json.loads(rows[0][0]), "Customer") if rows else None
        return cache[cid]


def tag(doc: dict[str, Any], typename: str) -> dict[str, Any]:
    """Mark a document with its GraphQL type so abstract types (Node) resolve."""
    doc["__typename"] = typename
    return doc


def register(typename: str, fields: dict[str, Resolver]) -> None:
    """Add resolvers for fields of a GraphQL object type."""
    RESOLVERS.setdefault(typename, {}).update(fields)


def is_supported(typename: str, field_name: str) -> bool:
    """Say whether the store can resolve a field of a type."""
    if field_name.startswith("__"):
        return True
    if typename.endswith("Connection"):
        return field_name in {"edges", "nodes", "pageInfo"}
    if typename.endswith("Edge"):
        return field_name in {"cursor", "node"}
    return field_name in RESOLVERS.get(typename, {}) or field_name in PASSTHROUGH.get(typename, set())


def field_resolver(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    """Resolve any field: a registered resolver, else a key of a plain dict."""
    fn = RESOLVERS.get(info.parent_type.name, {}).get(info.field_name)
    if fn is not None:
        return fn(source, info, **args)
    if isinstance(source, dict) and info.field_name in source:
        return source[info.field_name]
    raise GraphQLError(
        f"Field '{info.field_name}' on type '{info.parent_type.name}' is not supported by the "
        "XSight devstore.",
        extensions={"code": "UNSUPPORTED_FIELD"},
    )
