"""The OpenAPI document: valid 3.1, served without a token, and equal to the URL map route for route."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from xsight.openapi import PREFIX, document

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def url_map_operations(app: Flask) -> set[tuple[str, str]]:
    """Return (OpenAPI path, method) for every /api/v1 rule of the app."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len(PREFIX):])
            found |= {(path, m) for m in (rule.methods or set()) & METHODS}
    return found


def documented_operations() -> set[tuple[str, str]]:
    return {(path, method.upper()) for path, item in document()["paths"].items() for method in item}


def test_document_is_valid_openapi_3_1() -> None:
    validate(document())
    assert document()["openapi"].startswith("3.1")


def test_every_route_is_documented_and_every_documented_route_exists(app: Flask) -> None:
    routes, documented = url_map_operations(app), documented_operations()
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "documented operations the app does not have"
    assert len(routes) >= 30


def test_every_path_parameter_is_declared() -> None:
    for path, item in document()["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for method, op in item.items():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (method, path)


def test_served_without_a_session_token(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json == document()
    assert response.json["components"]["securitySchemes"]["idToken"]["scheme"] == "bearer"


def test_other_api_routes_still_need_a_token(client: FlaskClient) -> None:
    response = client.get("/api/v1/shop")
    assert response.status_code == 401 and response.json["error"] == "missing_session_token"
