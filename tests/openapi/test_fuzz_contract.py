"""Schemathesis against the app in-process: no 5xx, every status documented, every body matches the schema.

Each operation is its own test, all on one database holding a seeded shop (customers, orders,
computed insights, a segment with a tag run, a sync run). Generated ids are sent as they are half of the
time (mostly 404s) and swapped for a seeded id otherwise, so both sides of each route are fuzzed.
The run is bounded (MAX_EXAMPLES per operation) and derandomized, so it is the same every time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from tests.conftest import POSTGRES, ShopifyHelper, flush_redis, make_settings, reset_database
from tests.services.orders_factory import seed_shop
from xsight import create_app
from xsight.extensions import db
from xsight.models import ComplianceRequest, Customer, Order, Segment, Shop, SyncRun
from xsight.openapi import document
from xsight.services import insights_recompute

MAX_EXAMPLES = int(os.environ.get("XSIGHT_FUZZ_EXAMPLES", "15"))  # raise for a deeper run
CUSTOMERS = 80
MIN_REPEAT_BUYERS = 5
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
ID_MODELS = {"customer_id": Customer, "order_id": Order, "segment_id": Segment, "run_id": SyncRun,
             "request_id": ComplianceRequest}


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app and database for every operation: seeding per operation would triple the run time."""
    flush_redis()
    # A budget no fuzz run reaches: 429s would hide what the routes answer.
    app = create_app(make_settings(tmp_path_factory.mktemp("fuzz") / "instance",
                                   RATE_LIMIT_PER_SECOND=10_000.0, RATE_LIMIT_BURST=100_000))
    with app.app_context():
        reset_database()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if POSTGRES:
            reset_database()
        db.engine.dispose()


def _new_segment(app: Flask, domain: str, name: str) -> int:
    response = app.test_client().post("/api/v1/segments", headers=ShopifyHelper().auth(domain), json={
        "name": name, "query": "amount_spent > 100", "tag_writeback": True})
    assert response.status_code == 201, response.json
    return int(response.json["segment"]["id"])


@pytest.fixture(scope="module")
def seeded(fuzz_app: Flask) -> dict[str, Any]:
    """Seed one shop with orders, computed insights, a segment (with a failed tag run) and a sync run."""
    with fuzz_app.app_context():
        shop = Shop(domain="fuzz.myshopify.com", name="Fuzz", currency="USD", iana_timezone="UTC",
                    installed=True, settings={"insights_min_repeat_buyers": MIN_REPEAT_BUYERS})
        db.session.add(shop)
        db.session.commit()
        seed_shop(shop.id, CUSTOMERS, seed=5)
        assert insights_recompute.recompute(shop.id).status == "succeeded"
        db.session.add(SyncRun(shop_id=shop.id, kind="backfill", status="succeeded", checkpoint={}))
        db.session.add(ComplianceRequest(shop_id=shop.id, topic="customers/data_request", status="completed",
                                         customer_gid="gid://shopify/Customer/1",
                                         result={"customer": None, "orders": [], "segments": []}))
        db.session.commit()
        domain = shop.domain
    _new_segment(fuzz_app, domain, "Big spenders")
    with fuzz_app.app_context():
        shop_id = db.session.scalars(select(Shop.id).where(Shop.domain == domain)).one()
        ids = {arg: db.session.scalars(select(model.id).where(model.shop_id == shop_id)).first()
               for arg, model in ID_MODELS.items()}
    assert all(ids.values()), ids
    return {"domain": domain, "ids": ids}


OPERATIONS = sorted((path, method.upper()) for path, item in document()["paths"].items()
                    for method in item)


# Driven with hypothesis directly: schemathesis' own pytest plugin does not run under pytest 9.
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_api_honours_its_contract(fuzz_app: Flask, seeded: dict[str, Any], shopify: ShopifyHelper,
                                  path: str, method: str) -> None:
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)[path][method]
    deletes = method == "DELETE"

    @fuzz_settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE)))
    def run(case: Any) -> None:
        for name, value in (case.path_parameters or {}).items():
            if isinstance(value, int) and value % 2 == 0:
                # A DELETE gets its own segment, so the shared one lives on for the other operations.
                case.path_parameters[name] = (_new_segment(fuzz_app, seeded["domain"], f"Doomed {value}")
                                              if deletes else seeded["ids"][name])
        case.call_and_validate(headers=shopify.auth(seeded["domain"]), checks=CHECKS)

    run()
