"""Read Shopify global ids (gid://shopify/Order/123)."""

from __future__ import annotations

GID_PREFIX = "gid://shopify/"


def gid_type(gid: str) -> str:
    """Return the type name of a global id, e.g. "LineItem"."""
    if not gid.startswith(GID_PREFIX):
        raise ValueError(f"Not a Shopify global id: {gid!r} (expected {GID_PREFIX}<Type>/<id>).")
    return gid[len(GID_PREFIX):].split("/", 1)[0]


def gid_number(gid: str) -> int:
    """Return the numeric (legacy) id of a global id, ignoring any ?query suffix."""
    tail = gid.rsplit("/", 1)[-1].split("?", 1)[0]
    if not gid.startswith(GID_PREFIX) or not tail.isdigit():
        raise ValueError(f"Not a numeric Shopify global id: {gid!r}.")
    return int(tail)


def make_gid(type_name: str, number: int | str) -> str:
    """Return gid://shopify/<type_name>/<number>."""
    return f"{GID_PREFIX}{type_name}/{number}"
