"""Fixtures for the Shopify client tests: the 2026-04 schema, a fake clock."""

from __future__ import annotations

import gzip
import json

import pytest
from graphql import GraphQLSchema, build_client_schema

from tests.shopify.fakes import FakeClock
from xsight.devstore.schema import DEFAULT_SCHEMA as INTROSPECTION


@pytest.fixture(scope="session")
def admin_schema() -> GraphQLSchema:
    """Return Shopify's Admin 2026-04 schema (the introspection shipped with the package)."""
    assert INTROSPECTION.exists(), f"{INTROSPECTION} is missing from the package"
    with gzip.open(INTROSPECTION, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    # Shopify's schema breaks graphql-core's own consistency rules (deprecated implementations of
    # non-deprecated interface fields); documents are still validated field by field.
    return build_client_schema(data["data"], assume_valid=True)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
