"""Segments API: CRUD, preview, text form, members, CSV, tag runs, and 400s that name the problem."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import ShopifyHelper
from tests.services.segments.population import NOW
from xsight.extensions import db
from xsight.models import Customer, CustomerStats, Shop
from xsight.services.crm import facts


@pytest.fixture
def shop(app: Flask, make_shop: Callable[..., Shop]) -> Shop:
    made = make_shop(iana_timezone="UTC")
    with app.app_context():
        for n in range(30):
            gid = f"gid://shopify/Customer/{n}"
            db.session.add(Customer(shop_id=made.id, shopify_gid=gid, email=f"c{n}@example.com",
                                    first_name=f"C{n}", tags=["vip"] if n % 3 == 0 else []))
            if n % 2 == 0:
                db.session.add(CustomerStats(
                    shop_id=made.id, customer_key=gid, first_order_gid=f"o{n}", first_order_at=NOW,
                    first_order_date=NOW.date(), last_order_at=NOW, last_order_date=NOW.date(),
                    lifetime_orders=1 + n % 4, gross_sales=n * 100_000, discounts=0, returns=0,
                    net_sales=n * 100_000, avg_net_order_value=n * 100_000 // (1 + n % 4)))
        facts.rebuild(db.session, made.id)
        db.session.commit()
    return made


def call(client: FlaskClient, shopify: ShopifyHelper, shop: Shop, method: str, path: str,
         body: Any = None) -> Any:
    return client.open(f"/api/v1{path}", method=method, json=body, headers=shopify.auth(shop.domain))


def test_create_preview_members_export_update_delete(app: Flask, client: FlaskClient,
                                                     shopify: ShopifyHelper, shop: Shop) -> None:
    query = "amount_spent >= 10 AND customer_tags CONTAINS 'VIP'"
    preview = call(client, shopify, shop, "POST", "/segments/preview", {"query": query})
    assert preview.status_code == 200, preview.json
    expected = [n for n in range(0, 30, 2) if n % 3 == 0 and n >= 1]  # spent n*10 >= 10 and tagged
    assert preview.json["count"] == len(expected) == 4
    assert {c["email"] for c in preview.json["sample"]} == {f"c{n}@example.com" for n in expected}
    assert preview.json["query"] == "amount_spent >= 10 AND customer_tags CONTAINS 'VIP'"

    made = call(client, shopify, shop, "POST", "/segments", {"name": "VIP spenders", "query": query})
    assert made.status_code == 201, made.json
    segment = made.json["segment"]
    assert (segment["slug"], segment["member_count"], segment["tag"]) == ("vip-spenders", 4,
                                                                            "xsight-vip-spenders")
    assert [p["count"] for p in segment["count_history"]] == [4]

    first = call(client, shopify, shop, "GET", f"/segments/{segment['id']}/members?limit=3&sort=amount_spent"
                 "&direction=asc")
    assert first.status_code == 200, first.json
    assert first.json["total"] == 4 and len(first.json["customers"]) == 3
    rest = call(client, shopify, shop, "GET", f"/segments/{segment['id']}/members?limit=3&sort=amount_spent"
                f"&direction=asc&after={first.json['next_cursor']}")
    emails = [c["email"] for c in first.json["customers"] + rest.json["customers"]]
    assert emails == [f"c{n}@example.com" for n in expected]

    exported = call(client, shopify, shop, "GET", f"/segments/{segment['id']}/export.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert sorted(r["email"] for r in rows) == sorted(f"c{n}@example.com" for n in expected)

    changed = call(client, shopify, shop, "PATCH", f"/segments/{segment['id']}",
                   {"rules": {"field": "customer_tags", "op": "contains", "value": "vip"}})
    assert changed.status_code == 200 and changed.json["segment"]["member_count"] == 10
    assert changed.json["segment"]["query"] == "customer_tags CONTAINS 'vip'"
    listed = call(client, shopify, shop, "GET", "/segments").json["segments"]
    assert [s["name"] for s in listed] == ["VIP spenders"]
    assert call(client, shopify, shop, "DELETE", f"/segments/{segment['id']}").status_code == 204
    assert call(client, shopify, shop, "GET", f"/segments/{segment['id']}").status_code == 404


@pytest.mark.parametrize(("body", "status", "error", "fragment"), [
    ({"rules": {"op": "and", "children": [{"field": "amount_spent", "op": ">", "value": 1},
                                          {"field": "number_of_orders", "op": ">", "value": "abc"}]}},
     400, "invalid_rules", 'rules.children[1].value: expected a number, got "abc"'),
    ({"rules": {"field": "amount_spent); DROP TABLE customers; --", "op": "=", "value": 1}},
     400, "invalid_rules", "unknown field"),
    ({"rules": {"field": "amount_spent", "op": "= 1 OR 1=1 --", "value": 1}},
     400, "invalid_rules", "supports"),
    ({"query": "amount_spent >> 5"}, 400, "invalid_query", "at character 15"),
    ({}, 400, "bad_request", "rules"),
])
def test_preview_rejects_bad_rules(client: FlaskClient, shopify: ShopifyHelper, shop: Shop,
                                   body: dict[str, Any], status: int, error: str, fragment: str) -> None:
    r = call(client, shopify, shop, "POST", "/segments/preview", body)
    assert r.status_code == status and r.json["error"] == error, r.json
    assert fragment in r.json["message"]


def test_values_are_data_never_sql(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                   shop: Shop) -> None:
    evil = "'; DROP TABLE customers; --"
    r = call(client, shopify, shop, "POST", "/segments/preview",
             {"rules": {"field": "customer_tags", "op": "contains", "value": evil}})
    assert r.status_code == 200 and r.json["count"] == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Customer)) == 30


def test_parse_format_fields_templates(client: FlaskClient, shopify: ShopifyHelper, shop: Shop) -> None:
    parsed = call(client, shopify, shop, "POST", "/segments/parse", {"query": "number_of_orders >= 2"})
    assert parsed.json == {"rules": {"field": "number_of_orders", "op": ">=", "value": 2}}
    bad = call(client, shopify, shop, "POST", "/segments/parse", {"query": "number_of_orders >="})
    assert bad.status_code == 400 and bad.json["position"] == 19
    formatted = call(client, shopify, shop, "POST", "/segments/format", {"rules": parsed.json["rules"]})
    assert formatted.json["query"] == "number_of_orders >= 2"
    fields = call(client, shopify, shop, "GET", "/segments/fields").json["fields"]
    assert {f["name"] for f in fields} >= {"amount_spent", "rfm_group", "products_purchased", "p_alive"}
    templates = call(client, shopify, shop, "GET", "/segments/templates").json["templates"]
    assert len(templates) == 4 and all(t["rules"] and t["query"] for t in templates)
    made = call(client, shopify, shop, "POST", "/segments", {"template": "champions"})
    assert made.status_code == 201 and made.json["segment"]["name"] == "Champions"


def test_tag_run_without_a_reachable_shop_fails_clearly(client: FlaskClient, shopify: ShopifyHelper,
                                                        shop: Shop) -> None:
    made = call(client, shopify, shop, "POST", "/segments", {"name": "Tagged", "query": "",
                                                            "tag_writeback": True}).json["segment"]
    started = call(client, shopify, shop, "POST", f"/segments/{made['id']}/tag-runs")
    assert started.status_code == 202
    runs = call(client, shopify, shop, "GET", f"/segments/{made['id']}/tag-runs").json["runs"]
    assert runs[0]["status"] == "failed" and runs[0]["error"]
    assert "token" not in (runs[0]["error"] or "").lower() or "shpat" not in runs[0]["error"]
