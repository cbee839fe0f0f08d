"""Dashboard and analytics endpoints: shapes, validation 400s, access log for personal data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import ShopifyHelper
from tests.services.orders_factory import Line, seed_shop, write_order
from xsight.extensions import db
from xsight.models import CustomerDataAccess, Shop
from xsight.services import insights_recompute

KPIS = {"gross_sales", "discounts", "returns", "net_sales", "orders", "aov", "customers", "new_customers",
        "returning_customers", "returning_customer_rate"}


def access_rows(app: Flask) -> list[tuple[str, int]]:
    with app.app_context():
        return [(a.route, a.customer_count) for a in db.session.scalars(select(CustomerDataAccess))]


def test_dashboard_shape_and_access_log(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                        make_shop: Callable[..., Shop]) -> None:
    shop = make_shop(iana_timezone="UTC")
    with app.app_context():
        write_order(shop.id, "o1", "2026-03-02T10:00", [Line(1, "12.5")], customer="c1")
        write_order(shop.id, "o2", "2026-02-27T10:00", [Line(1, "10")], customer="c1")
    r = client.get("/api/v1/dashboard?start=2026-03-01&end=2026-03-03&top=3",
                   headers=shopify.auth(shop.domain))
    assert r.status_code == 200, r.json
    body = r.json
    assert body["range"] == {"start": "2026-03-01", "end": "2026-03-03"}
    assert body["previous_range"] == {"start": "2026-02-26", "end": "2026-02-28"}
    assert body["currency"] == "USD" and set(body["kpis"]) == KPIS
    assert body["kpis"]["net_sales"] == {"value": "12.50", "previous": "10.00", "change_pct": 25.0}
    assert body["kpis"]["orders"] == {"value": 1, "previous": 1, "change_pct": 0.0}
    assert [d["date"] for d in body["by_day"]] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert body["by_day"][1] == {"date": "2026-03-02", "orders": 1, "net_sales": "12.50",
                                 "gross_sales": "12.50"}
    assert len(body["previous_by_day"]) == 3
    assert body["top_customers"] == [
        {"id": None, "name": None, "email": None, "orders": 1, "net_sales": "12.50"}]
    assert access_rows(app) == [("/api/v1/dashboard", 1)]


@pytest.mark.parametrize(("query", "needle"), [
    ("start=2026-13-01&end=2026-03-01", "start must be a date"),
    ("start=yesterday", "start must be a date"),
    ("start=20260301&end=2026-03-02", "start must be a date"),
    ("start=2026-03-05&end=2026-03-01", "must not be after"),
    ("start=2020-01-01&end=2026-03-01", "at most"),
    ("start=2026-03-01&end=2026-03-02&top=x", "top must be a whole number"),
    ("start=2026-03-01&end=2026-03-02&top=500", "top must be between"),
])
def test_dashboard_rejects_bad_parameters(client: FlaskClient, shopify: ShopifyHelper,
                                          make_shop: Callable[..., Shop], query: str, needle: str) -> None:
    shop = make_shop()
    r = client.get(f"/api/v1/dashboard?{query}", headers=shopify.auth(shop.domain))
    assert r.status_code == 400
    assert r.json["error"] == "bad_request" and needle in r.json["message"]


def test_cohorts_rejects_bad_months(client: FlaskClient, shopify: ShopifyHelper,
                                    make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    for months in ("0", "abc", "1000"):
        r = client.get(f"/api/v1/analytics/cohorts?months={months}", headers=shopify.auth(shop.domain))
        assert r.status_code == 400 and "months" in r.json["message"]


def test_analytics_before_any_run(client: FlaskClient, shopify: ShopifyHelper,
                                  make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    for path in ("rfm", "cohorts", "predictions", "model-quality"):
        r = client.get(f"/api/v1/analytics/{path}", headers=shopify.auth(shop.domain))
        assert r.status_code == 200 and r.json["status"] == "not_computed" and r.json["reason"]


def test_analytics_after_a_run(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                               make_shop: Callable[..., Shop]) -> None:
    shop = make_shop(settings={"insights_min_repeat_buyers": 20})
    with app.app_context():
        seed_shop(shop.id, 300, seed=5)
        assert insights_recompute.recompute(shop.id).status == "succeeded"
    auth = shopify.auth(shop.domain)
    rfm = client.get("/api/v1/analytics/rfm", headers=auth).json
    assert len(rfm["groups"]) == 11 and len(rfm["grid"]["counts"]) == 5
    assert {"group", "label", "customers", "share", "avg_net_sales",
            "avg_recency_days"} <= set(rfm["groups"][0])
    cohorts = client.get("/api/v1/analytics/cohorts?months=6", headers=shopify.auth(shop.domain)).json
    assert len(cohorts["cohorts"]) == len(cohorts["sizes"]) == len(cohorts["retention"]) <= 6
    assert all(len(row) <= 6 for row in cohorts["retention"])
    predictions = client.get("/api/v1/analytics/predictions", headers=shopify.auth(shop.domain)).json
    assert predictions["status"] == "ok" and len(predictions["distributions"]["p_alive"]) == 10
    assert len(predictions["at_risk"]) <= 20
    if predictions["at_risk"]:
        assert {"id", "name", "email", "clv_12m", "p_alive"} <= set(predictions["at_risk"][0])
        assert ("/api/v1/analytics/predictions", len(predictions["at_risk"])) in access_rows(app)
    quality = client.get("/api/v1/analytics/model-quality", headers=shopify.auth(shop.domain)).json
    assert quality["status"] in ("ok", "not_enough_data", "fit_failed")
    assert quality["model_run"]["status"] == "succeeded"
