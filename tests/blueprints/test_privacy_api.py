"""Privacy and webhook-health endpoints: paging, 400s, logged exports, no payloads."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import ShopifyHelper
from xsight.extensions import db
from xsight.models import ComplianceRequest, CustomerDataAccess, Shop, WebhookDelivery


def test_privacy_endpoints(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                           make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        done = ComplianceRequest(shop_id=shop.id, topic="customers/data_request", status="completed",
                                 result={"customer": {"email": "ada@example.com"}, "orders": []})
        pending = ComplianceRequest(shop_id=shop.id, topic="customers/data_request")
        db.session.add_all([done, pending])
        db.session.commit()
        done_id, pending_id = done.id, pending.id
    headers = shopify.auth(shop.domain)
    listed = client.get("/api/v1/privacy/requests?per_page=1", headers=headers).json
    assert listed["total"] == 2 and len(listed["requests"]) == 1
    export = client.get(f"/api/v1/privacy/requests/{done_id}/export", headers=headers)
    assert export.status_code == 200 and export.json["shop_data"]["customer"]["email"] == "ada@example.com"
    assert "attachment" in export.headers["Content-Disposition"]
    assert client.get(f"/api/v1/privacy/requests/{pending_id}/export", headers=headers).status_code == 409
    log = client.get("/api/v1/privacy/access-log", headers=headers).json
    assert [(e["route"], e["customer_count"]) for e in log["entries"]] == [
        ("/api/v1/privacy/requests/<int:request_id>/export", 1)]
    bad = client.get("/api/v1/privacy/access-log?page=0", headers=headers)
    assert bad.status_code == 400 and "page must be between 1" in bad.json["message"]
    with app.app_context():
        assert db.session.scalar(select(CustomerDataAccess.route)) is not None


def test_webhook_health_endpoint(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                 make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        db.session.add(WebhookDelivery(shop_id=shop.id, webhook_id="w1", topic="orders/create",
                                       status="failed", error="boom", payload="secret payload"))
        db.session.commit()
    r = client.get("/api/v1/webhooks/health", headers=shopify.auth(shop.domain))
    assert r.status_code == 200
    assert r.json["totals"]["failed"] == 1 and r.json["failures"][0]["error"] == "boom"
    assert "secret payload" not in r.get_data(as_text=True)
