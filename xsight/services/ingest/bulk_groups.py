"""Turn assembled bulk JSONL groups (a root with children, or late children) into writer rows."""

from __future__ import annotations

from typing import Any

from xsight.services.ingest import graphql_rows
from xsight.services.ingest.values import nodes
from xsight.services.ingest.writer import Writer
from xsight.shopify.jsonl import Group

LINE_ITEM = "gid://shopify/LineItem/"
VARIANT = "gid://shopify/ProductVariant/"


def write_group(writer: Writer, resource: str, group: Group) -> int:
    """Queue a group's rows; return how many JSONL objects it carried."""
    count = len(group.children)
    if group.root is not None:
        count += 1
        _root(writer, resource, group.root)
    updated = (group.root or {}).get("updatedAt")
    for child in group.children:
        parent = str(child.get("__parentId"))
        child_id = str(child.get("id", ""))
        if child_id.startswith(LINE_ITEM):
            writer.add("order_line_items", graphql_rows.line_item(child, updated), parent)
        elif child_id.startswith(VARIANT):
            writer.add("product_variants", graphql_rows.variant(child, updated), parent)
        # Shipping lines are summed on the order (totalShippingPriceSet); nothing else to keep.
    return count


def write_refunds(writer: Writer, order_gid: str, refunds: list[dict[str, Any]]) -> None:
    """Queue an order's Refund nodes with whatever refund line items they carry."""
    for refund in refunds:
        writer.add("refunds", graphql_rows.refund(refund), order_gid)
        for line in nodes(refund.get("refundLineItems")):
            writer.add("refund_line_items", graphql_rows.refund_line_item(line, refund["id"]),
                       refund["id"])


def _root(writer: Writer, resource: str, node: dict[str, Any]) -> None:
    if resource == "customers":
        writer.add("customers", graphql_rows.customer(node))
    elif resource == "products":
        writer.add("products", graphql_rows.product(node))
    elif resource == "orders":
        row = graphql_rows.order(node)
        writer.add("orders", row)
        write_refunds(writer, row["shopify_gid"], node.get("refunds") or [])
    else:
        raise ValueError(f"Unknown bulk resource {resource!r}.")
