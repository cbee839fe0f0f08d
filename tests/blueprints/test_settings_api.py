"""Settings endpoint: read, change (recomputing on new economics), clear 400s."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import ShopifyHelper
from xsight.extensions import db
from xsight.models import ModelRun, Shop
from xsight.tasks.queue import huey


def test_get_and_patch_settings(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    headers = shopify.auth(shop.domain)
    got = client.get("/api/v1/settings", headers=headers)
    assert got.status_code == 200 and got.json["settings"]["margin"] == 1.0
    changed = client.patch("/api/v1/settings", json={"margin": 0.35, "monthly_discount_rate": 0.02},
                           headers=headers)
    assert changed.status_code == 200, changed.json
    assert changed.json["recompute_queued"] is True
    assert changed.json["settings"]["margin"] == 0.35
    with app.app_context():  # tasks run immediately in tests: the recompute read the new economics
        runs = list(db.session.scalars(select(ModelRun).where(ModelRun.shop_id == shop.id)))
    assert len(runs) == 1 and runs[0].status == "not_enough_data"
    schedule = client.patch("/api/v1/settings", json={"sync_interval_minutes": 60}, headers=headers)
    assert schedule.json["recompute_queued"] is False
    assert client.get("/api/v1/settings", headers=headers).json["settings"]["sync_interval_minutes"] == 60


def test_new_economics_wait_for_a_running_recompute(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                                    make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        db.session.add(ModelRun(shop_id=shop.id, status="running"))
        db.session.commit()
    scheduled = len(huey.scheduled())
    try:
        r = client.patch("/api/v1/settings", json={"margin": 0.5}, headers=shopify.auth(shop.domain))
        assert r.status_code == 200 and r.json["recompute_queued"] is True
        # The running recompute read the old margin: a new one is scheduled for after it, not dropped.
        assert len(huey.scheduled()) == scheduled + 1
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(ModelRun)) == 1
    finally:
        huey.storage.flush_schedule()


@pytest.mark.parametrize(("body", "needle"), [
    ("not json", "must be JSON"),
    ({"margin": 2}, "margin must be a number from 0.01 to 1.0"),
    ({"nope": 1}, "Unknown setting nope"),
    ({"sync_interval_minutes": 5}, "sync_interval_minutes must be one of"),
])
def test_patch_settings_rejects_bad_bodies(client: FlaskClient, shopify: ShopifyHelper,
                                           make_shop: Callable[..., Shop], body: object, needle: str) -> None:
    shop = make_shop()
    kwargs = {"data": body, "content_type": "application/json"} if isinstance(body, str) else {"json": body}
    r = client.patch("/api/v1/settings", headers=shopify.auth(shop.domain), **kwargs)  # type: ignore[arg-type]
    assert r.status_code == 400 and r.json["error"] == "bad_request" and needle in r.json["message"]
