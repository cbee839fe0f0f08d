"""Complete an order whose nested lists a page (or a bulk line) had to cut short."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from xsight.shopify import queries
from xsight.shopify.client import AdminClient
from xsight.shopify.cost import variable_defaults
from xsight.shopify.paginate import paginate

logger = logging.getLogger(__name__)

# Second try for orders with many refunds: more refunds, one nested row each (876 points),
# then every refund is completed on its own with RefundDetail.
MANY_REFUNDS = {"refundsFirst": 35, "refundLineItemsFirst": 1, "refundShippingLinesFirst": 1,
                "orderAdjustmentsFirst": 1}
_REFUND_CONNECTIONS = ("refundLineItems", "refundShippingLines", "orderAdjustments")


def complete_order(client: AdminClient, order: dict[str, Any],
                   page_variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Fetch the line items and refund details an OrdersPage node (or a BulkOrders line) left out."""
    sizes = {**variable_defaults(queries.load("OrdersPage")), **(page_variables or {})}
    _refetch_connection(client, order, "lineItems", "OrderLineItems", "order.lineItems")
    if _refunds_incomplete(order.get("refunds"), int(sizes["refundsFirst"])):
        order["refunds"] = _fetch_refunds(client, order["id"])
    _complete_refunds(client, order.get("refunds") or [])
    return order


def fetch_refunds(client: AdminClient, order_id: str) -> list[dict[str, Any]]:
    """Return every refund of an order with all of its line items, shipping and adjustments."""
    refunds = _fetch_refunds(client, order_id)
    _complete_refunds(client, refunds)
    return refunds


def _complete_refunds(client: AdminClient, refunds: list[dict[str, Any]]) -> None:
    for refund in refunds:
        if any(_truncated(refund.get(name)) for name in _REFUND_CONNECTIONS):
            _complete_refund(client, refund)


def _truncated(connection: Mapping[str, Any] | None) -> bool:
    return bool(connection and (connection.get("pageInfo") or {}).get("hasNextPage"))


def _refetch_connection(client: AdminClient, owner: dict[str, Any], field: str, document: str,
                        path: str) -> None:
    """Replace a cut-short connection with all of its nodes, paged from the start."""
    if not _truncated(owner.get(field)):
        return
    nodes = [n for page in paginate(client, document, path, {"id": owner["id"]}) for n in page.nodes]
    owner[field] = {"pageInfo": {"hasNextPage": False}, "nodes": nodes}


def _refunds_incomplete(refunds: list[dict[str, Any]] | None, asked: int) -> bool:
    if not refunds:
        return False
    return len(refunds) >= asked or any(name not in r for r in refunds for name in _REFUND_CONNECTIONS)


def _fetch_refunds(client: AdminClient, order_id: str) -> list[dict[str, Any]]:
    document = queries.load("OrderRefunds")
    asked = int(variable_defaults(document)["refundsFirst"])
    refunds = client.execute(document, {"id": order_id})["order"]["refunds"]
    if len(refunds) >= asked:
        refunds = client.execute(document, {"id": order_id, **MANY_REFUNDS})["order"]["refunds"]
        if len(refunds) >= MANY_REFUNDS["refundsFirst"]:
            logger.warning("order %s has %d or more refunds; later ones are not read", order_id,
                           len(refunds))
    return list(refunds)


def _complete_refund(client: AdminClient, refund: dict[str, Any]) -> None:
    lines: list[dict[str, Any]] = []
    first: dict[str, Any] | None = None
    for page in paginate(client, "RefundDetail", "refund.refundLineItems", {"id": refund["id"]}):
        lines.extend(page.nodes)
        if first is None:
            first = page.data.get("refund")
    refund["refundLineItems"] = {"pageInfo": {"hasNextPage": False}, "nodes": lines}
    for name in ("refundShippingLines", "orderAdjustments"):
        if first is not None and name in first:
            refund[name] = first[name]
