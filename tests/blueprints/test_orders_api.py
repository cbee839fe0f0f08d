"""GET /orders and /orders/<id>: shop-local date edges, filters, sorts across pages, detail, 400s."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests.blueprints.crm_helpers import get, walk
from tests.conftest import ShopifyHelper
from tests.services.orders_factory import Line, RefundSpec, write_order
from xsight.extensions import db
from xsight.models import Customer, Order, Shop

# New York is UTC-5 in March before the 8th: local March 1 is [05:00Z Mar 1, 05:00Z Mar 2).
EDGES = {"o-feb28-late": "2026-03-01T04:59:59", "o-mar1-start": "2026-03-01T05:00:00",
         "o-mar1-end": "2026-03-02T04:59:59", "o-mar2-start": "2026-03-02T05:00:00"}


@pytest.fixture
def shop_orders(app: Flask, make_shop: Callable[..., Shop]) -> tuple[Shop, int]:
    shop = make_shop(iana_timezone="America/New_York")
    with app.app_context():
        db.session.add(Customer(shop_id=shop.id, shopify_gid="c1", first_name="Ada", last_name="L"))
        db.session.commit()
        for i, (gid, at) in enumerate(EDGES.items()):
            write_order(shop.id, gid, at, [Line(1, str(10 * (i + 1)))], customer="c1" if i % 2 else None)
        write_order(shop.id, "o-refunded", "2026-02-10T12:00", [Line(2, "20"), Line(1, "5")], customer="c1",
                    refunds=(RefundSpec("r1", "2026-02-11T12:00", [(0, 1, "20", "0")]),))
        for n in range(12):  # ties: the same time and total for many orders
            write_order(shop.id, f"o-tie-{n:02}", "2026-01-15T12:00", [Line(1, "10")])
        cid = db.session.scalar(select(Customer.id).where(Customer.shopify_gid == "c1"))
        assert cid is not None
        db.session.execute(update(Order).where(Order.customer_gid == "c1").values(customer_id=cid))
        db.session.execute(update(Order).where(Order.shopify_gid.in_(["o-mar1-start", "o-refunded"]))
                           .values(financial_status="paid", fulfillment_status="fulfilled"))
        db.session.execute(update(Order).where(Order.shopify_gid.in_(["o-tie-03", "o-tie-07"]))
                           .values(name=None))
        db.session.commit()
    return shop, cid


def gids(client: FlaskClient, shopify: ShopifyHelper, shop: Shop, query: str) -> list[str]:
    rows, totals = walk(client, shopify, shop.domain, f"/api/v1/orders?{query}", "orders", limit=3)
    assert set(totals) <= {len(rows)}
    return [r["gid"] for r in rows]


def test_local_date_range_edges(client: FlaskClient, shopify: ShopifyHelper,
                                shop_orders: tuple[Shop, int]) -> None:
    shop, _ = shop_orders
    assert gids(client, shopify, shop, "from=2026-03-01&to=2026-03-01") == ["o-mar1-end", "o-mar1-start"]
    assert gids(client, shopify, shop, "from=2026-02-28&to=2026-02-28") == ["o-feb28-late"]
    assert gids(client, shopify, shop, "from=2026-03-02") == ["o-mar2-start"]
    assert set(gids(client, shopify, shop, "to=2026-02-28")) == {"o-feb28-late", "o-refunded"} | {
        f"o-tie-{n:02}" for n in range(12)}


def test_filters(client: FlaskClient, shopify: ShopifyHelper, shop_orders: tuple[Shop, int]) -> None:
    shop, cid = shop_orders
    assert gids(client, shopify, shop, "financial_status=PAID&fulfillment_status=fulfilled") == \
        ["o-mar1-start", "o-refunded"]
    assert gids(client, shopify, shop, f"customer_id={cid}&sort=processed_at&direction=asc") == \
        ["o-refunded", "o-mar1-start", "o-mar2-start"]
    assert gids(client, shopify, shop, "min_total=30&max_total=40&sort=total_price&direction=asc") == \
        ["o-mar1-end", "o-mar2-start"]
    assert gids(client, shopify, shop, f"customer_id={cid + 100}") == []


@pytest.mark.parametrize("sort", ["processed_at", "total_price", "name"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_sorts_page_through_ties_and_nulls(client: FlaskClient, shopify: ShopifyHelper,
                                           shop_orders: tuple[Shop, int], sort: str, direction: str) -> None:
    shop, _ = shop_orders
    rows, totals = walk(client, shopify, shop.domain, f"/api/v1/orders?sort={sort}&direction={direction}",
                        "orders", limit=4)
    assert set(totals) == {17} and len(rows) == 17

    def value(r: dict[str, object]) -> object:
        v = r[sort]
        return Decimal(str(v)) if sort == "total_price" else v

    desc = direction == "desc"
    present = sorted((r for r in rows if r[sort] is not None), key=lambda r: r["id"], reverse=desc)
    present.sort(key=value, reverse=direction == "desc")
    missing = sorted((r for r in rows if r[sort] is None), key=lambda r: r["id"], reverse=direction == "desc")
    assert [r["id"] for r in rows] == [r["id"] for r in present + missing]
    if sort == "name":
        assert [r["name"] for r in rows[-2:]] == [None, None]


def test_detail_with_lines_and_refunds(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                       shop_orders: tuple[Shop, int]) -> None:
    shop, cid = shop_orders
    with app.app_context():
        oid = db.session.scalar(select(Order.id).where(Order.shopify_gid == "o-refunded"))
    body = get(client, shopify, shop.domain, f"/api/v1/orders/{oid}").json
    order = body["order"]
    assert order["customer"] == {"id": cid, "name": "Ada L"} and order["total_price"] == "45.00"
    assert order["line_item_count"] == 2 and order["processed_at"] == "2026-02-10T12:00:00Z"
    assert [(li["quantity"], li["original_unit_price"]) for li in order["line_items"]] == \
        [(2, "20.00"), (1, "5.00")]
    assert [r["line_items"] for r in order["refunds"]] == [
        [{"line_item_gid": "o-refunded/L0", "quantity": 1, "subtotal": "20.00"}]]
    assert {"subtotal", "total_discounts", "total_shipping", "total_tax", "tags"} <= set(order)
    assert get(client, shopify, shop.domain, f"/api/v1/orders/{oid + 1000}").status_code == 404


@pytest.mark.parametrize(("query", "needle"), [
    ("from=2026-03-05&to=2026-03-01", "from (2026-03-05) must not be above to (2026-03-01)"),
    ("from=03/01/2026", "from must be a date"),
    ("financial_status=rich", "financial_status must be a comma list"),
    ("fulfillment_status=lost", "fulfillment_status must be a comma list"),
    ("min_total=abc", "min_total must be an amount"),
    ("min_total=50&max_total=10", "must not be above"),
    ("customer_id=0", "customer_id must be between"),
    ("sort=email", "sort must be one of processed_at, total_price, name"),
    ("after=e30", "after is not a cursor"),
])
def test_bad_parameters_are_400s(client: FlaskClient, shopify: ShopifyHelper, shop_orders: tuple[Shop, int],
                                 query: str, needle: str) -> None:
    shop, _ = shop_orders
    response = get(client, shopify, shop.domain, f"/api/v1/orders?{query}")
    assert response.status_code == 400 and needle in response.json["message"], response.json
