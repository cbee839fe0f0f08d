"""Schemathesis against the app in-process: no 5xx, every status documented, every body matches the schema.

Each operation is its own test on a fresh database holding a seeded shop (customers, orders,
predictions, a segment with a tag run, a sync run). Generated ids are sent as they are half of the
time (mostly 404s) and swapped for a seeded id otherwise, so both sides of each route are fuzzed.
The run is bounded (MAX_EXAMPLES per operation) and derandomized, so it is the same every time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
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

from bench.crm_data import build
from tests.conftest import ShopifyHelper, make_settings
from xsight.config import Settings
from xsight.extensions import db
from xsight.models import Customer, Order, Segment, Shop, SyncRun
from xsight.openapi import document

MAX_EXAMPLES = 10
CUSTOMERS = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
ID_MODELS = {"customer_id": Customer, "order_id": Order, "segment_id": Segment, "run_id": SyncRun}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # A budget no fuzz run reaches: 429s would hide what the routes answer.
    return make_settings(tmp_path / "instance", RATE_LIMIT_PER_SECOND=10_000.0, RATE_LIMIT_BURST=100_000)


@pytest.fixture
def seeded(app: Flask, make_shop: Callable[..., Shop], shopify: ShopifyHelper) -> dict[str, Any]:
    """Seed one shop with CRM data, a segment (with a failed tag run) and a sync run; return its ids."""
    shop = make_shop(iana_timezone="UTC")
    client = app.test_client()
    with app.app_context():
        build(db.session, shop.id, CUSTOMERS)
        db.session.add(SyncRun(shop_id=shop.id, kind="backfill", status="succeeded", checkpoint={}))
        db.session.commit()
    made = client.post("/api/v1/segments", headers=shopify.auth(shop.domain),
                       json={"name": "Big spenders", "query": "amount_spent > 100", "tag_writeback": True})
    assert made.status_code == 201, made.json
    with app.app_context():
        ids = {arg: db.session.scalars(select(model.id).where(model.shop_id == shop.id)).first()
               for arg, model in ID_MODELS.items()}
    assert all(ids.values()), ids
    return {"domain": shop.domain, "ids": ids}


OPERATIONS = sorted((path, method.upper()) for path, item in document()["paths"].items()
                    for method in item)


# Driven with hypothesis directly: schemathesis' own pytest plugin does not run under pytest 9.
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_api_honours_its_contract(app: Flask, seeded: dict[str, Any], shopify: ShopifyHelper,
                                  path: str, method: str) -> None:
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]

    @fuzz_settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE)))
    def run(case: Any) -> None:
        for name, value in (case.path_parameters or {}).items():
            if isinstance(value, int) and value % 2 == 0:
                case.path_parameters[name] = seeded["ids"][name]
        case.call_and_validate(headers=shopify.auth(seeded["domain"]), checks=CHECKS)

    run()
