"""The three mandatory privacy webhooks: export, erase a customer, erase a shop."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import ShopifyHelper
from tests.models.test_tenancy import TENANT_MODELS
from tests.services.test_apply import customer_payload, order_payload
from tests.test_token_hygiene import dump_database
from xsight.extensions import db
from xsight.models import ComplianceRequest, CustomerEvent, Shop

SHOP, OTHER = "alpha.myshopify.com", "bravo.myshopify.com"


@pytest.fixture
def shops(make_shop: Callable[..., Shop]) -> tuple[Shop, Shop]:
    return make_shop(domain=SHOP), make_shop(domain=OTHER)


def send(client: FlaskClient, shopify: ShopifyHelper, topic: str, payload: dict[str, Any],
         shop: str = SHOP, path: str = "/webhooks"):  # type: ignore[no-untyped-def]
    body = json.dumps(payload).encode()
    return client.post(path, data=body, headers=shopify.webhook_headers(shop, topic, body))


def seed(client: FlaskClient, shopify: ShopifyHelper, shop: str = SHOP) -> None:
    customer = customer_payload("2026-01-01T00:00:00Z") | {"phone": "+15550001111",
                                                             "first_name": "Zelda"}
    order = order_payload("2026-01-02T00:00:00Z") | {"email": "ada@example.com"}
    failed = {**order, "id": 2002, "note": "call Zelda at ada@example.com"}
    for topic, payload in (("customers/create", customer), ("orders/create", order)):
        assert send(client, shopify, topic, payload, shop).status_code == 200
    # A delivery that could not be applied keeps its raw payload: redaction must reach it.
    assert send(client, shopify, "refunds/create", {"id": 1, "order_id": 999, **failed},
                shop).status_code == 200


def privacy(topic: str, **extra: Any) -> dict[str, Any]:
    return {"shop_id": 1, "shop_domain": SHOP,
            "customer": {"id": 77, "email": "ada@example.com", "phone": "+15550001111"},
            **extra}


def test_data_request_exports_everything_stored(app: Flask, client: FlaskClient,
                                                shopify: ShopifyHelper, shops: tuple[Shop, Shop]) -> None:
    seed(client, shopify)
    response = send(client, shopify, "customers/data_request",
                    privacy("customers/data_request", orders_requested=[1001],
                            data_request={"id": 9}), path="/webhooks/compliance")
    assert response.status_code == 200
    with app.app_context():
        request = db.session.scalars(select(ComplianceRequest)).one()
        assert request.status == "completed" and request.completed_at is not None
        export = request.result
    assert export["customer"]["email"] == "ada@example.com"
    assert export["customer"]["first_name"] == "Zelda"
    assert [o["shopify_gid"] for o in export["orders"]] == ["gid://shopify/Order/1001"]


def test_customer_redact_leaves_no_personal_field(app: Flask, client: FlaskClient,
                                                  shopify: ShopifyHelper, shops: tuple[Shop, Shop]) -> None:
    seed(client, shopify)
    # An update leaves a timeline event; it must name the changed fields, never hold their values.
    updated = customer_payload("2026-01-03T00:00:00Z") | {"phone": "+15550001111", "first_name": "Zelda",
                                                           "last_name": "Lovelace"}
    assert send(client, shopify, "customers/update", updated).status_code == 200
    send(client, shopify, "customers/data_request",
         privacy("customers/data_request", orders_requested=[1001]), path="/webhooks/compliance")
    response = send(client, shopify, "customers/redact",
                    privacy("customers/redact", orders_to_redact=[1001]), path="/webhooks/compliance")
    assert response.status_code == 200
    with app.app_context():
        dumped = dump_database()
        requests = db.session.scalars(select(ComplianceRequest)).all()
        assert {r.status for r in requests} == {"completed"}
        events = [e.data for e in db.session.scalars(select(CustomerEvent))]
    assert events == [{"fields": ["last_name"]}]
    for secret in ("ada@example.com", "Zelda", "Lovelace", "+15550001111", "5550001111"):
        assert secret not in dumped, secret
    assert "gid://shopify/Order/1001" in dumped  # the anonymous order stays for aggregates


def test_shop_redact_removes_every_row_of_that_shop(app: Flask, client: FlaskClient,
                                                    shopify: ShopifyHelper, shops: tuple[Shop, Shop]) -> None:
    seed(client, shopify)
    seed(client, shopify, OTHER)
    response = send(client, shopify, "shop/redact", {"shop_id": 1, "shop_domain": SHOP},
                    path="/webhooks/compliance")
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalars(select(Shop.domain)).all() == [OTHER]
        for model in TENANT_MODELS:
            owners = set(db.session.scalars(select(model.shop_id)))  # type: ignore[attr-defined]
            assert owners <= {shops[1].id}, model.__tablename__


def test_compliance_rejects_bad_hmac_and_wrong_topics(client: FlaskClient, shopify: ShopifyHelper,
                                                      shops: tuple[Shop, Shop]) -> None:
    body = json.dumps({"shop_domain": SHOP}).encode()
    headers = shopify.webhook_headers(SHOP, "shop/redact", body, secret="q" * 64)
    assert client.post("/webhooks/compliance", data=body, headers=headers).status_code == 401
    assert send(client, shopify, "orders/create", {}, path="/webhooks/compliance").status_code == 400
    assert send(client, shopify, "shop/redact", {}, path="/webhooks").status_code == 400
