"""Fixtures for the Shopify client tests: the 2026-04 schema, a fake clock."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_client_schema

from tests.shopify.fakes import FakeClock

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "shared" / "shopify" / "schema"
INTROSPECTION = SCHEMA_DIR / "admin_2026-04.introspection.json.gz"


@pytest.fixture(scope="session")
def admin_schema() -> GraphQLSchema:
    """Return Shopify's Admin 2026-04 schema (the introspection held in ../shared)."""
    if not INTROSPECTION.exists():
        pytest.skip(f"{INTROSPECTION} is not available")
    with gzip.open(INTROSPECTION, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    # Shopify's schema breaks graphql-core's own consistency rules (deprecated implementations of
    # non-deprecated interface fields); documents are still validated field by field.
    return build_client_schema(data["data"], assume_valid=True)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
