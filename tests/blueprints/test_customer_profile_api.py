"""GET /customers/<id> and /customers/<id>/timeline: profile contents, event order, pagination."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bench.crm_data import build
from tests.blueprints.crm_helpers import get, walk
from tests.conftest import ShopifyHelper
from tests.services.orders_factory import Line, RefundSpec, write_order
from xsight.extensions import db
from xsight.models import Customer, CustomerEvent, Order, Segment, SegmentMembership, Shop

C1 = "gid://shopify/Customer/1"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def person(app: Flask, make_shop: Callable[..., Shop]) -> tuple[Shop, int]:
    """A customer with three orders (one cancelled, one refunded), two segments and three events."""
    shop = make_shop(iana_timezone="UTC")
    with app.app_context():
        db.session.add(Customer(shop_id=shop.id, shopify_gid=C1, first_name="Ada", last_name="L",
                                email="ada@example.com", phone="+15550001", state="enabled", tags=["vip"]))
        db.session.commit()
        write_order(shop.id, "gid://shopify/Order/1", "2026-01-05T10:00", [Line(2, "10"), Line(1, "5")],
                    customer=C1)
        write_order(shop.id, "gid://shopify/Order/2", "2026-02-05T10:00", [Line(1, "30")], customer=C1,
                    refunds=(RefundSpec("gid://shopify/Refund/1", "2026-02-07T10:00", [(0, 1, "30", "0")]),))
        write_order(shop.id, "gid://shopify/Order/3", "2026-03-05T10:00", [Line(1, "7")], customer=C1,
                    cancelled="2026-03-06T10:00")
        cid = db.session.scalar(select(Customer.id).where(Customer.shopify_gid == C1))
        assert cid is not None
        db.session.execute(Order.__table__.update().where(Order.shop_id == shop.id).values(customer_id=cid))
        a = Segment(shop_id=shop.id, name="Champions", slug="champions", rules={})
        b = Segment(shop_id=shop.id, name="Big spenders", slug="big", rules={})
        db.session.add_all([a, b])
        db.session.flush()
        db.session.add_all([
            SegmentMembership(shop_id=shop.id, segment_id=a.id, customer_id=cid,
                              entered_at=at("2026-02-01T00:00")),
            SegmentMembership(shop_id=shop.id, segment_id=b.id, customer_id=cid,
                              entered_at=at("2026-01-10T00:00"), left_at=at("2026-03-10T00:00")),
            CustomerEvent(shop_id=shop.id, customer_id=cid, kind="customer_updated",
                          occurred_at=at("2026-02-05T10:00"), data={"fields": ["email", "phone"]}),
            CustomerEvent(shop_id=shop.id, customer_id=cid, kind="tags_added",
                          occurred_at=at("2026-02-05T10:00"), data={"tags": ["xsight-champions"]}),
            CustomerEvent(shop_id=shop.id, customer_id=cid, kind="tags_removed",
                          occurred_at=at("2026-03-10T00:00"), data={"tags": ["xsight-big"]}),
        ])
        db.session.commit()
    return shop, cid


def test_profile_has_identity_stats_orders_products_segments(client: FlaskClient, shopify: ShopifyHelper,
                                                            person: tuple[Shop, int]) -> None:
    shop, cid = person
    body = get(client, shopify, shop.domain, f"/api/v1/customers/{cid}").json
    c = body["customer"]
    assert (c["name"], c["first_name"], c["last_name"], c["phone"], c["state"]) == \
        ("Ada L", "Ada", "L", "+15550001", "enabled")
    assert c["number_of_orders"] == 2 and c["first_order_date"] == "2026-01-05"
    assert body["stats"] == {"gross_sales": "55.00", "discounts": "0.00", "returns": "30.00",
                             "net_sales": "25.00", "orders": 2}
    assert c["amount_spent"] == "25.00"
    assert [o["gid"] for o in body["orders"]] == [f"gid://shopify/Order/{i}" for i in (3, 2, 1)]
    assert body["orders"][0]["cancelled_at"] is not None and body["orders"][2]["line_item_count"] == 2
    assert body["products"] == []  # the factory's lines have no product
    assert [s["name"] for s in body["segments"]] == ["Champions"]
    assert body["predictions"] is None and "not been computed" in body["predictions_reason"]
    assert body["currency"] == "USD"


def test_profile_predictions_and_products(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                          make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        run_id = build(db.session, shop.id, 10)
        ids = dict(db.session.execute(select(Customer.shopify_gid, Customer.id)
                                      .where(Customer.shop_id == shop.id)).all())
    scored = get(client, shopify, shop.domain, f"/api/v1/customers/{ids['gid://shopify/Customer/1']}").json
    assert scored["predictions"]["model_run_id"] == run_id and scored["predictions_reason"] is None
    assert 0 <= scored["predictions"]["p_alive"] <= 1 and scored["predictions"]["computed_at"].endswith("Z")
    assert scored["products"] == [{"product_gid": scored["products"][0]["product_gid"],
                                   "title": scored["products"][0]["title"], "quantity": 1, "orders": 1}]
    unscored = get(client, shopify, shop.domain, f"/api/v1/customers/{ids['gid://shopify/Customer/4']}").json
    assert unscored["predictions"] is None and "did not score" in unscored["predictions_reason"]


def test_unknown_customer_is_404(client: FlaskClient, shopify: ShopifyHelper,
                                 person: tuple[Shop, int]) -> None:
    shop, cid = person
    for url in (f"/api/v1/customers/{cid + 999}", f"/api/v1/customers/{cid + 999}/timeline"):
        response = get(client, shopify, shop.domain, url)
        assert response.status_code == 404 and response.json["error"] == "not_found"


EXPECTED = [  # newest first; equal times ordered by kind, descending
    ("tags_removed", "2026-03-10T00:00:00Z"), ("segment_left", "2026-03-10T00:00:00Z"),
    ("order_cancelled", "2026-03-06T10:00:00Z"), ("order_placed", "2026-03-05T10:00:00Z"),
    ("refund", "2026-02-07T10:00:00Z"), ("tags_added", "2026-02-05T10:00:00Z"),
    ("order_placed", "2026-02-05T10:00:00Z"), ("customer_updated", "2026-02-05T10:00:00Z"),
    ("segment_entered", "2026-02-01T00:00:00Z"), ("segment_entered", "2026-01-10T00:00:00Z"),
    ("order_placed", "2026-01-05T10:00:00Z"),
]


@pytest.mark.parametrize("limit", [1, 2, 3, 11, 50])
def test_timeline_is_newest_first_and_pages_cleanly(client: FlaskClient, shopify: ShopifyHelper,
                                                   person: tuple[Shop, int], limit: int) -> None:
    shop, cid = person
    events, _ = walk(client, shopify, shop.domain, f"/api/v1/customers/{cid}/timeline", "events", limit=limit)
    assert [(e["kind"], e["occurred_at"]) for e in events] == EXPECTED


def test_timeline_titles_and_data(client: FlaskClient, shopify: ShopifyHelper,
                                  person: tuple[Shop, int]) -> None:
    shop, cid = person
    events: list[dict[str, Any]] = get(client, shopify, shop.domain,
                                       f"/api/v1/customers/{cid}/timeline?limit=50").json["events"]
    by_kind = {e["kind"]: e for e in events}
    assert by_kind["refund"]["data"]["total_refunded"] is not None
    assert by_kind["refund"]["data"]["name"] == "gid://shopify/Order/2"
    assert by_kind["customer_updated"]["title"] == "Customer updated: email, phone"
    assert by_kind["tags_removed"]["title"] == "Tags removed: xsight-big"
    assert by_kind["segment_left"]["data"]["name"] == "Big spenders"
    assert by_kind["order_cancelled"]["title"] == "Order gid://shopify/Order/3 was cancelled"


def test_timeline_rejects_tampered_cursor(client: FlaskClient, shopify: ShopifyHelper,
                                          person: tuple[Shop, int]) -> None:
    shop, cid = person
    first = get(client, shopify, shop.domain, f"/api/v1/customers/{cid}/timeline?limit=2").json
    assert first["next_cursor"]
    bad = first["next_cursor"][:-3] + "xyz"
    response = get(client, shopify, shop.domain, f"/api/v1/customers/{cid}/timeline?after={bad}")
    assert response.status_code == 400
    other_sort = get(client, shopify, shop.domain, "/api/v1/customers?limit=1").json["next_cursor"]
    response = get(client, shopify, shop.domain, f"/api/v1/customers/{cid}/timeline?after={other_sort}")
    assert response.status_code == 400


def test_profile_of_a_customer_not_yet_in_the_facts_table(app: Flask, client: FlaskClient,
                                                         shopify: ShopifyHelper,
                                                         make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        customer = Customer(shop_id=shop.id, shopify_gid="gid://shopify/Customer/new", first_name="Neo",
                            email="neo@example.com", tags=[])
        db.session.add(customer)
        db.session.commit()
        cid = customer.id
    body = get(client, shopify, shop.domain, f"/api/v1/customers/{cid}").json
    assert body["customer"]["name"] == "Neo" and body["customer"]["rfm_group"] == "PROSPECTS"
    assert body["customer"]["number_of_orders"] == 0 and body["orders"] == []
