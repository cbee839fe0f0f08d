"""Inputs the database or the calendar cannot hold answer 400/404, never 500 (found fuzzing the contract)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import ShopifyHelper
from tests.services.segments.population import NOW
from xsight.extensions import db
from xsight.models import Customer, CustomerStats, Shop
from xsight.services.crm import facts

HUGE_ID = 2**63  # one past the largest BIGINT


@pytest.mark.parametrize("path", [f"/customers/{HUGE_ID}", f"/customers/{HUGE_ID}/timeline",
                                  f"/orders/{HUGE_ID}", f"/segments/{HUGE_ID}", f"/sync/runs/{HUGE_ID}",
                                  f"/segments/{HUGE_ID}/members"])
def test_an_id_beyond_bigint_is_not_found(client: FlaskClient, shopify: ShopifyHelper,
                                          make_shop: Callable[..., Shop], path: str) -> None:
    shop = make_shop()
    response = client.get(f"/api/v1{path}", headers=shopify.auth(shop.domain))
    assert response.status_code == 404 and response.json["error"] == "not_found", response.json


def test_an_id_beyond_bigint_still_needs_a_token(client: FlaskClient) -> None:
    assert client.get(f"/api/v1/customers/{HUGE_ID}").status_code == 401


@pytest.mark.parametrize("query", ["q=a%00b", "country=%00", "tag=vip%00", "after=%00"])
def test_nul_in_a_list_parameter_is_refused(client: FlaskClient, shopify: ShopifyHelper,
                                            make_shop: Callable[..., Shop], query: str) -> None:
    shop = make_shop()
    response = client.get(f"/api/v1/customers?{query}", headers=shopify.auth(shop.domain))
    assert response.status_code == 400 and "NUL" in response.json["message"], response.json


@pytest.mark.parametrize(("path", "body"), [
    ("/segments/preview", {"query": "customer_tags CONTAINS 'a\x00'"}),
    ("/segments/preview", {"rules": {"field": "customer_tags", "op": "contains", "value": "\x00"}}),
    ("/segments", {"name": "a\x00b", "query": ""}),
    ("/segments/parse", {"query": "\x00"}),
])
def test_nul_in_a_segment_body_is_refused(client: FlaskClient, shopify: ShopifyHelper,
                                          make_shop: Callable[..., Shop], path: str, body: Any) -> None:
    shop = make_shop()
    response = client.post(f"/api/v1{path}", json=body, headers=shopify.auth(shop.domain))
    assert response.status_code == 400 and "NUL" in response.json["message"], response.json


@pytest.mark.parametrize("path", ["/dashboard?start=0001-01-01&end=0001-01-05",
                                  "/orders?from=0001-01-01&to=9999-12-31",
                                  "/customers?first_order_from=1899-12-31",
                                  "/orders?to=3000-01-01"])
def test_days_outside_the_supported_span_are_refused(client: FlaskClient, shopify: ShopifyHelper,
                                                     make_shop: Callable[..., Shop], path: str) -> None:
    shop = make_shop()
    response = client.get(f"/api/v1{path}", headers=shopify.auth(shop.domain))
    assert response.status_code == 400 and "1900-01-01" in response.json["message"], response.json


@pytest.mark.parametrize(("op", "value", "count"), [(">", 2**40, 0), ("<", 2**40, 1), ("<", -(2**40), 0),
                                                    ("between", [-(2**40), 2**40], 1)])
def test_days_since_last_order_past_the_calendar_selects_like_its_edge(
        client: FlaskClient, shopify: ShopifyHelper, make_shop: Callable[..., Shop], app: Flask,
        op: str, value: Any, count: int) -> None:
    shop = make_shop(iana_timezone="UTC")
    with app.app_context():
        gid = "gid://shopify/Customer/1"
        db.session.add(Customer(shop_id=shop.id, shopify_gid=gid, email="c1@example.com"))
        db.session.add(CustomerStats(
            shop_id=shop.id, customer_key=gid, first_order_gid="o1", first_order_at=NOW,
            first_order_date=NOW.date(), last_order_at=NOW, last_order_date=NOW.date(), lifetime_orders=1,
            gross_sales=100_000, discounts=0, returns=0, net_sales=100_000, avg_net_order_value=100_000))
        facts.rebuild(db.session, shop.id)
        db.session.commit()
    rules = {"field": "days_since_last_order", "op": op, "value": value}
    response = client.post("/api/v1/segments/preview", json={"rules": rules},
                           headers=shopify.auth(shop.domain))
    assert response.status_code == 200, response.json
    assert response.json["count"] == count
