"""Every /api/ route, asked with shop A's token for shop B's objects, answers 404 and leaks nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import ShopifyHelper
from tests.models.test_tenancy import fill_shop
from xsight.extensions import db
from xsight.models import ComplianceRequest, Customer, Order, Product, Segment, Shop, SyncRun

# URL arguments that name a tenant object, and the model they name. A new route whose
# argument is not listed here fails the sweep until it is added.
ARG_MODELS = {"customer_id": Customer, "order_id": Order, "segment_id": Segment,
              "run_id": SyncRun, "product_id": Product, "request_id": ComplianceRequest}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def api_rules(app: Flask):  # type: ignore[no-untyped-def]
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/")]


def test_sweep_every_api_route(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                               make_shop: Callable[..., Shop]) -> None:
    a = make_shop(domain="alpha.myshopify.com")
    b = make_shop(domain="bravo.myshopify.com", name="Bravo Secret Shop")
    with app.app_context():
        fill_shop(a.id)
        fill_shop(b.id)
        db.session.execute(Customer.__table__.update().where(Customer.shop_id == b.id)
                           .values(email="bravo-only@example.com"))
        db.session.commit()
        b_ids = {arg: db.session.scalars(select(model.id).where(  # type: ignore[attr-defined]
            model.shop_id == b.id)).first() for arg, model in ARG_MODELS.items()}
    b_markers = ["bravo.myshopify.com", "Bravo Secret Shop", "bravo-only@example.com"]
    rules = api_rules(app)
    assert rules, "no /api/ routes found"
    checked = 0
    for rule in rules:
        unknown = set(rule.arguments) - set(ARG_MODELS)
        assert not unknown, f"{rule.rule}: add {unknown} to ARG_MODELS"
        path = rule.rule
        for arg in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{arg}>", str(b_ids[arg]), path)
        for method in sorted(set(rule.methods or ()) & set(METHODS)):
            response = client.open(path, method=method, headers=shopify.auth("alpha.myshopify.com"),
                                   json={} if method in ("POST", "PUT", "PATCH") else None)
            body = response.get_data(as_text=True)
            if rule.arguments:
                assert response.status_code == 404, (method, path, response.status_code)
            for marker in b_markers:
                assert marker not in body, (method, path, marker)
            checked += 1
    assert checked >= len(rules)
    json.dumps(b_ids)  # ids were found for every listed argument type
