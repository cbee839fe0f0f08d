"""GET /customers: every filter against a Python reading of the rows, every sort across pages, 400s."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bench.crm_data import build
from tests.blueprints.crm_helpers import get, walk
from tests.conftest import ShopifyHelper
from xsight.extensions import db
from xsight.models import Customer, CustomerDataAccess, Segment, SegmentMembership, Shop
from xsight.models.types import utcnow
from xsight.services.crm import facts
from xsight.services.crm.customer_list import SORT_KINDS

N = 60
RISK = {"low": 1, "medium": 2, "high": 3}


@pytest.fixture
def crm(app: Flask, make_shop: Callable[..., Shop]) -> tuple[Shop, list[dict[str, Any]]]:
    """A shop of N generated customers plus one whose name holds LIKE wildcards; all its rows."""
    shop = make_shop()
    make_shop()  # a second shop, whose customers must never appear
    with app.app_context():
        build(db.session, shop.id, N)
        db.session.add(Customer(shop_id=shop.id, shopify_gid="gid://shopify/Customer/wild",
                                first_name="50%_Off", last_name=None, email="Deals@Example.com",
                                tags=["vip", "promo"]))
        facts.refresh(db.session, shop.id, ["gid://shopify/Customer/wild"])
        db.session.commit()
    return shop, []


def all_rows(client: FlaskClient, shopify: ShopifyHelper, shop: Shop) -> list[dict[str, Any]]:
    body = get(client, shopify, shop.domain, "/api/v1/customers?limit=250&sort=id&direction=asc").json
    assert body["total"] == N + 1 and len(body["customers"]) == N + 1 and body["next_cursor"] is None
    return list(body["customers"])


def sort_value(row: dict[str, Any], sort: str) -> Any:
    value = row[sort]
    if value is None:
        return None
    if sort in ("amount_spent", "average_order_value", "predicted_clv"):
        return Decimal(value)
    if sort == "name":
        return value.lower()
    if sort == "churn_risk":
        return RISK[value]
    return value


def expected_order(rows: list[dict[str, Any]], sort: str, direction: str) -> list[int]:
    """Order rows like the contract says: by the field, NULLs last both ways, ties by id."""
    reverse = direction == "desc"
    id_reverse = reverse if sort != "days_since_last_order" else not reverse  # walks last_order_date
    present = [r for r in rows if sort_value(r, sort) is not None]
    missing = [r for r in rows if sort_value(r, sort) is None]
    present.sort(key=lambda r: r["id"], reverse=id_reverse)
    present.sort(key=lambda r: sort_value(r, sort), reverse=reverse)  # stable: ids stay ordered
    missing.sort(key=lambda r: r["id"], reverse=id_reverse)
    return [r["id"] for r in present + missing]


@pytest.mark.parametrize("sort", sorted(SORT_KINDS))
def test_every_sort_pages_without_gaps_or_duplicates(client: FlaskClient, shopify: ShopifyHelper,
                                                     crm: tuple[Shop, list[Any]], sort: str) -> None:
    shop, _ = crm
    rows = all_rows(client, shopify, shop)
    for direction in ("asc", "desc"):
        walked, totals = walk(client, shopify, shop.domain,
                              f"/api/v1/customers?sort={sort}&direction={direction}", "customers")
        ids = [r["id"] for r in walked]
        assert ids == expected_order(rows, sort, direction), (sort, direction)
        assert set(totals) == {N + 1}


def test_default_sort_is_amount_spent_desc(client: FlaskClient, shopify: ShopifyHelper,
                                           crm: tuple[Shop, list[Any]]) -> None:
    shop, _ = crm
    rows = all_rows(client, shopify, shop)
    body = get(client, shopify, shop.domain, "/api/v1/customers?limit=5").json
    assert [r["id"] for r in body["customers"]] == expected_order(rows, "amount_spent", "desc")[:5]
    assert body["currency"] == "USD"


def _between(value: Any, low: Any, high: Any) -> bool:
    return value is not None and low <= value <= high


FILTERS: list[tuple[str, Callable[[dict[str, Any]], bool]]] = [
    ("q=ANN1", lambda r: "ann1" in (r["name"] or "").lower() or "ann1" in r["email"].lower()),
    ("q=example.com", lambda r: True),
    ("q=%25", lambda r: "%" in (r["name"] or "")),
    ("q=_", lambda r: "_" in (r["name"] or "") or "_" in r["email"]),
    ("rfm_group=champions,DORMANT", lambda r: r["rfm_group"] in ("CHAMPIONS", "DORMANT")),
    ("rfm_group=PROSPECTS", lambda r: r["rfm_group"] == "PROSPECTS"),
    ("churn_risk=high", lambda r: r["churn_risk"] == "high"),
    ("p_alive_min=0.2&p_alive_max=0.6", lambda r: _between(r["p_alive"], 0.2, 0.6)),
    ("clv_min=100&clv_max=1000.5",
     lambda r: _between(r["predicted_clv"] and Decimal(r["predicted_clv"]), 100, Decimal("1000.5"))),
    ("country=gb,de", lambda r: r["country"] in ("GB", "DE")),
    ("tag=vip", lambda r: "vip" in r["tags"]),
    ("tag=vip,wholesale", lambda r: {"vip", "wholesale"} <= set(r["tags"])),
    ("tag=nobody", lambda r: False),
    ("spent_min=1000&spent_max=3000", lambda r: _between(Decimal(r["amount_spent"]), 1000, 3000)),
    ("spent_max=0", lambda r: Decimal(r["amount_spent"]) <= 0),
    ("orders_min=3&orders_max=5", lambda r: 3 <= r["number_of_orders"] <= 5),
    ("orders_max=0", lambda r: r["number_of_orders"] == 0),
    ("first_order_from=2024-03-01&first_order_to=2024-06-30",
     lambda r: _between(r["first_order_date"], "2024-03-01", "2024-06-30")),
    ("last_order_from=2025-06-01", lambda r: _between(r["last_order_date"], "2025-06-01", "9999")),
    ("last_order_to=2025-06-01", lambda r: _between(r["last_order_date"], "0000", "2025-06-01")),
    ("email_subscription_status=SUBSCRIBED,unsubscribed",
     lambda r: r["email_subscription_status"] in ("SUBSCRIBED", "UNSUBSCRIBED")),
    ("country=US&tag=vip&orders_min=2",
     lambda r: r["country"] == "US" and "vip" in r["tags"] and r["number_of_orders"] >= 2),
]


@pytest.mark.parametrize(("query", "predicate"), FILTERS, ids=[q for q, _ in FILTERS])
def test_filters_match_a_python_reading_of_the_rows(client: FlaskClient, shopify: ShopifyHelper,
                                                    crm: tuple[Shop, list[Any]], query: str,
                                                    predicate: Callable[[dict[str, Any]], bool]) -> None:
    shop, _ = crm
    expected = {r["id"] for r in all_rows(client, shopify, shop) if predicate(r)}
    walked, totals = walk(client, shopify, shop.domain, f"/api/v1/customers?{query}", "customers", limit=9)
    assert {r["id"] for r in walked} == expected
    assert len(walked) == len(expected) and set(totals) == {len(expected)}


def test_filter_results_are_not_trivial(client: FlaskClient, shopify: ShopifyHelper,
                                        crm: tuple[Shop, list[Any]]) -> None:
    """The generated shop gives every filter above some rows in and some rows out."""
    shop, _ = crm
    rows = all_rows(client, shopify, shop)
    for query, predicate in FILTERS:
        hits = sum(1 for r in rows if predicate(r))
        if query not in ("q=example.com", "tag=nobody", "spent_max=0", "orders_max=0",
                         "rfm_group=PROSPECTS", "q=%25", "q=_"):
            assert 0 < hits < len(rows), query
    assert sum(1 for r in rows if r["p_alive"] is None) > 5  # NULLs are present


def test_segment_filter_lists_current_members_only(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                                   crm: tuple[Shop, list[Any]],
                                                   make_shop: Callable[..., Shop]) -> None:
    shop, _ = crm
    other = make_shop()
    with app.app_context():
        ids = list(db.session.scalars(select(Customer.id).where(Customer.shop_id == shop.id)
                                      .order_by(Customer.id).limit(4)))
        seg = Segment(shop_id=shop.id, name="S", slug="s", rules={})
        foreign = Segment(shop_id=other.id, name="F", slug="f", rules={})
        db.session.add_all([seg, foreign])
        db.session.flush()
        db.session.add_all([SegmentMembership(shop_id=shop.id, segment_id=seg.id, customer_id=c)
                            for c in ids[:3]]
                           + [SegmentMembership(shop_id=shop.id, segment_id=seg.id, customer_id=ids[3],
                                                left_at=utcnow())])
        db.session.commit()
        seg_id, foreign_id = seg.id, foreign.id
    body = get(client, shopify, shop.domain,
               f"/api/v1/customers?segment_id={seg_id}&sort=id&direction=asc").json
    assert [r["id"] for r in body["customers"]] == ids[:3] and body["total"] == 3
    response = get(client, shopify, shop.domain, f"/api/v1/customers?segment_id={foreign_id}")
    assert response.status_code == 404 and response.json["error"] == "not_found"


@pytest.mark.parametrize(("query", "needle"), [
    ("sort=tags", "sort must be one of"),
    ("direction=up", "direction must be asc or desc"),
    ("limit=0", "limit must be between 1 and 250"),
    ("limit=251", "limit must be between 1 and 250"),
    ("rfm_group=HEROES", "'HEROES' is not one of them"),
    ("churn_risk=extreme", "churn_risk must be a comma list"),
    ("p_alive_min=1.5", "p_alive_min must be between 0 and 1"),
    ("p_alive_max=nan", "p_alive_max must be between"),
    ("clv_min=ten", "clv_min must be an amount"),
    ("spent_min=1.00001", "at most 4 decimal places"),
    ("spent_min=10&spent_max=5", "spent_min (10) must not be above spent_max (5)"),
    ("orders_min=-1", "orders_min must be between"),
    ("first_order_from=2024-02-30", "first_order_from must be a date"),
    ("email_subscription_status=maybe", "email_subscription_status must be a comma list"),
    ("segment_id=abc", "segment_id must be a whole number"),
    ("q=" + "x" * 201, "q may be at most 200 characters"),
    ("after=not-a-cursor", "after is not a cursor"),
])
def test_bad_parameters_are_400s(client: FlaskClient, shopify: ShopifyHelper, crm: tuple[Shop, list[Any]],
                                 query: str, needle: str) -> None:
    shop, _ = crm
    response = get(client, shopify, shop.domain, f"/api/v1/customers?{query}")
    assert response.status_code == 400, response.json
    assert needle in response.json["message"], response.json


def _cursor(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize("data", [
    {"s": "amount_spent", "d": "desc", "v": "1; DROP TABLE customers", "i": 3},
    {"s": "amount_spent", "d": "desc", "v": 100, "i": "3"},
    {"s": "amount_spent", "d": "desc", "v": 100},
    {"s": "amount_spent", "d": "asc", "v": 100, "i": 3},
    {"s": "name", "d": "desc", "v": "a", "i": 3},
    ["amount_spent", 1],
])
def test_tampered_cursors_are_400s(client: FlaskClient, shopify: ShopifyHelper, crm: tuple[Shop, list[Any]],
                                   data: Any) -> None:
    shop, _ = crm
    response = get(client, shopify, shop.domain, f"/api/v1/customers?after={_cursor(data)}")
    assert response.status_code == 400, response.json
    assert response.json["error"] == "bad_cursor"


def test_row_shape_and_access_log(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                  crm: tuple[Shop, list[Any]]) -> None:
    shop, _ = crm
    body = get(client, shopify, shop.domain, "/api/v1/customers?limit=4&sort=id&direction=asc").json
    first = body["customers"][0]
    assert set(first) == {"id", "gid", "name", "email", "country", "tags", "email_subscription_status",
                          "amount_spent", "number_of_orders", "average_order_value", "first_order_date",
                          "last_order_date", "days_since_last_order", "rfm_group", "r_score", "f_score",
                          "m_score", "p_alive", "churn_risk", "predicted_clv", "expected_next_order_date",
                          "created_at"}
    assert first["gid"] == "gid://shopify/Customer/1" and first["email"] == "c1@example.com"
    assert first["tags"] == ["vip", "wholesale"] and first["country"] == "GB"
    assert first["created_at"].endswith("Z") and date.fromisoformat(first["first_order_date"])
    assert Decimal(first["amount_spent"]).as_tuple().exponent == -2
    no_stats = body["customers"][3]  # customer 4: no orders, no predictions
    assert no_stats["number_of_orders"] == 0 and no_stats["amount_spent"] == "0.00"
    assert no_stats["last_order_date"] is None and no_stats["days_since_last_order"] is None
    assert no_stats["p_alive"] is None and no_stats["rfm_group"] == "PROSPECTS"
    with app.app_context():
        logged = [(a.route, a.customer_count) for a in db.session.scalars(select(CustomerDataAccess))]
    assert logged == [("/api/v1/customers", 4)]
