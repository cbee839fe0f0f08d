"""Small converters shared by the GraphQL and webhook mappers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from xsight.shopify.gid import GID_PREFIX, make_gid

ZERO = Decimal("0")


def timestamp(value: Any) -> datetime | None:
    """Parse Shopify's ISO 8601 timestamps (with `Z` or an offset) into aware datetimes."""
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"Timestamp {value!r} has no time zone.")
    return parsed


def money(value: Any) -> Decimal:
    """Return an exact amount from a string, number or Shopify MoneyV2/MoneyBag-like dict."""
    if value is None:
        return ZERO
    if isinstance(value, dict):
        inner = value.get("shopMoney") or value.get("shop_money") or value
        value = inner.get("amount")
        if value is None:
            return ZERO
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"Amount {value!r} is not a number.") from None


def money_sum(items: Iterable[Any], key: str) -> Decimal:
    """Sum the `key` MoneyBag of each item."""
    return sum((money(item.get(key)) for item in items or ()), ZERO)


def tags(value: Any) -> list[str]:
    """Return tags as a list, from a list or Shopify's comma-separated string."""
    if not value:
        return []
    if isinstance(value, str):
        return [t.strip() for t in value.split(",") if t.strip()]
    return [str(t) for t in value]


def gid(kind: str, value: Any) -> str | None:
    """Return a Shopify global id from a gid or a legacy numeric id."""
    if value is None or value == "":
        return None
    text = str(value)
    return text if text.startswith(GID_PREFIX) else make_gid(kind, text)


def nested_id(value: Any) -> str | None:
    """Return `value["id"]` for a nested object reference, or None."""
    return value.get("id") if isinstance(value, dict) else None


def nodes(connection: Any) -> list[dict[str, Any]]:
    """Return the nodes of a connection (`nodes` or `edges`) or a plain list."""
    if connection is None:
        return []
    if isinstance(connection, list):
        return connection
    if "nodes" in connection:
        return list(connection["nodes"] or [])
    return [edge["node"] for edge in connection.get("edges") or []]


def lower(value: Any) -> str | None:
    """Return a lower-cased string or None."""
    return str(value).lower() if value else None
