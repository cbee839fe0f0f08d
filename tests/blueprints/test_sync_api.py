"""The sync API: list, show, start (409 while one is active), clear 400s."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import ShopifyHelper
from xsight.extensions import db
from xsight.models import Shop, SyncRun

SHOP = "alpha.myshopify.com"


def test_list_show_and_conflict(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                make_shop: Callable[..., Shop]) -> None:
    shop = make_shop(domain=SHOP)
    with app.app_context():
        done = SyncRun(shop_id=shop.id, kind="backfill", status="succeeded", processed=10, total=10)
        active = SyncRun(shop_id=shop.id, kind="incremental", status="running", processed=5,
                         total=20)
        db.session.add_all([done, active])
        db.session.commit()
        done_id, active_id = done.id, active.id
    headers = shopify.auth(SHOP)
    runs = client.get("/api/v1/sync/runs", headers=headers).json["runs"]
    assert [r["id"] for r in runs] == [active_id, done_id]
    assert runs[0]["percent"] == 25.0 and runs[1]["percent"] == 100.0
    one = client.get(f"/api/v1/sync/runs/{done_id}", headers=headers)
    assert one.status_code == 200 and one.json["run"]["status"] == "succeeded"
    conflict = client.post("/api/v1/sync", json={"kind": "incremental"}, headers=headers)
    assert conflict.status_code == 409 and conflict.json["error"] == "conflict"
    assert client.get("/api/v1/sync/runs/999999", headers=headers).status_code == 404


def test_bad_parameters_are_400(client: FlaskClient, shopify: ShopifyHelper,
                                make_shop: Callable[..., Shop]) -> None:
    make_shop(domain=SHOP)
    headers = shopify.auth(SHOP)
    for query in ("limit=0", "limit=abc", "limit=1000"):
        response = client.get(f"/api/v1/sync/runs?{query}", headers=headers)
        assert response.status_code == 400 and set(response.json) == {"error", "message"}
    response = client.post("/api/v1/sync", json={"kind": "everything"}, headers=headers)
    assert response.status_code == 400 and "kind must be one of" in response.json["message"]
    response = client.post("/api/v1/sync", data="[1]", headers={**headers,
                                                                "Content-Type": "application/json"})
    assert response.status_code == 400
