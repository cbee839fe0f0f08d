"""complete_order: whatever a page cut short is fetched, paged and put back in place."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import httpx

from tests.shopify.fakes import SHOP, TOKEN, FakeClock, ok_body
from xsight.shopify.client import AdminClient
from xsight.shopify.orders import complete_order

ORDER = "gid://shopify/Order/1"


def connection(nodes: list[dict[str, Any]], more: bool, cursor: str | None = None) -> dict[str, Any]:
    return {"pageInfo": {"hasNextPage": more, "endCursor": cursor}, "nodes": nodes}


def items(prefix: str, count: int) -> list[dict[str, Any]]:
    return [{"id": f"gid://shopify/{prefix}/{i}"} for i in range(count)]


def refund(number: int, lines: int = 1, more: bool = False) -> dict[str, Any]:
    return {"id": f"gid://shopify/Refund/{number}",
            "refundLineItems": connection(items("RefundLineItem", lines), more),
            "refundShippingLines": connection([], False), "orderAdjustments": connection([], False)}


class FakeOrderApi:
    """Answer the order-detail documents from a full order held in memory, page by page."""

    def __init__(self, line_items: int, refunds: int, refund_lines: int) -> None:
        self.lines = items("LineItem", line_items)
        self.refunds = [refund(i, refund_lines) for i in range(refunds)]
        self.refund_lines = items("RefundLineItem", refund_lines)
        self.calls: Counter[str] = Counter()

    def handler(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        name = re.search(r"(query|mutation) (\w+)", body["query"]).group(2)  # type: ignore[union-attr]
        variables = body["variables"]
        self.calls[name] += 1
        if name == "OrderLineItems":
            data = {"order": {"id": ORDER, "lineItems": self._page(self.lines, variables)}}
        elif name == "OrderRefunds":
            per_refund = variables.get("refundLineItemsFirst", 10)  # the document's defaults
            data = {"order": {"id": ORDER, "refunds": [
                {**r, "refundLineItems": connection(r["refundLineItems"]["nodes"][:per_refund],
                                                    len(self.refund_lines) > per_refund)}
                for r in self.refunds[:variables.get("refundsFirst", 10)]]}}
        else:
            assert name == "RefundDetail"
            page = self._page(self.refund_lines, variables)
            data = {"refund": {"id": variables["id"], "refundLineItems": page,
                               "refundShippingLines": connection([{"subtotalAmountSet": None}], False),
                               "orderAdjustments": connection([], False)}}
        return httpx.Response(200, json=ok_body(data))

    @staticmethod
    def _page(nodes: list[dict[str, Any]], variables: dict[str, Any]) -> dict[str, Any]:
        start = int(variables.get("after") or 0)
        end = start + int(variables["first"])
        return connection(nodes[start:end], end < len(nodes), str(min(end, len(nodes))))


def client_for(api: FakeOrderApi, clock: FakeClock) -> AdminClient:
    return AdminClient(SHOP, httpx.Client(transport=httpx.MockTransport(api.handler)), lambda: TOKEN,
                       clock=clock, sleep=clock.sleep)


def page_order(api: FakeOrderApi, line_items: int = 5, refunds: int = 1) -> dict[str, Any]:
    """Return an order as OrdersPage (default sizes) returns it."""
    return {"id": ORDER,
            "lineItems": connection(api.lines[:line_items], len(api.lines) > line_items, str(line_items)),
            "refunds": [{**r, "refundLineItems": connection(r["refundLineItems"]["nodes"][:5],
                                                            len(api.refund_lines) > 5)}
                        for r in api.refunds[:refunds]]}


def test_a_complete_order_costs_no_call(clock: FakeClock) -> None:
    api = FakeOrderApi(line_items=3, refunds=0, refund_lines=0)
    order = page_order(api)
    assert complete_order(client_for(api, clock), order) == page_order(api)
    assert sum(api.calls.values()) == 0


def test_cut_short_line_items_are_fetched_in_full(clock: FakeClock) -> None:
    api = FakeOrderApi(line_items=300, refunds=0, refund_lines=0)
    order = complete_order(client_for(api, clock), page_order(api))
    assert order["lineItems"]["nodes"] == api.lines
    assert not order["lineItems"]["pageInfo"]["hasNextPage"]
    assert api.calls["OrderLineItems"] == 4  # 81 per page by cost


def test_refunds_at_the_page_limit_are_refetched_in_detail(clock: FakeClock) -> None:
    api = FakeOrderApi(line_items=1, refunds=3, refund_lines=2)
    order = complete_order(client_for(api, clock), page_order(api, refunds=1))
    assert [r["id"] for r in order["refunds"]] == [r["id"] for r in api.refunds]
    assert api.calls == Counter({"OrderRefunds": 1})


def test_many_refunds_and_long_refunds_are_paged_refund_by_refund(clock: FakeClock) -> None:
    api = FakeOrderApi(line_items=1, refunds=12, refund_lines=150)
    order = complete_order(client_for(api, clock), page_order(api))
    assert len(order["refunds"]) == 12
    for r in order["refunds"]:
        assert r["refundLineItems"]["nodes"] == api.refund_lines
        assert r["refundShippingLines"]["nodes"] == [{"subtotalAmountSet": None}]
    assert api.calls["OrderRefunds"] == 2  # 10 at the limit, then the many-refunds shape
    assert api.calls["RefundDetail"] == 12 * 2  # 132 lines per page by cost


def test_bulk_refunds_without_connections_are_filled_in(clock: FakeClock) -> None:
    api = FakeOrderApi(line_items=1, refunds=2, refund_lines=1)
    bulk_order = {"id": ORDER, "refunds": [{"id": r["id"]} for r in api.refunds]}
    order = complete_order(client_for(api, clock), bulk_order)
    assert all("refundLineItems" in r for r in order["refunds"])
    assert [r["id"] for r in order["refunds"]] == [r["id"] for r in api.refunds]
