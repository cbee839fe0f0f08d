"""The OpenAPI 3.1 description of /api/v1, built from one module per area and served unauthenticated."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from xsight.openapi import common, crm, insights, segments, settings
from xsight.openapi.common import json_ok, operation

PREFIX = "/api/v1"
VERSION = "1.0.0"
# Each area contributes PATHS (relative to PREFIX) and SCHEMAS; add a module here to extend.
AREAS = (insights, crm, segments, settings)

bp = Blueprint("openapi", __name__)


def _self_path() -> dict[str, Any]:
    doc = operation("This document (no token needed).", "Meta",
                    {"200": json_ok({"type": "object"}, "The OpenAPI 3.1 document.")})
    doc["security"] = []
    doc["responses"].pop("401")
    doc["responses"].pop("429")
    return {"/openapi.json": {"get": doc}}


@cache
def document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of every /api/v1 route."""
    paths: dict[str, Any] = dict(_self_path())
    schemas: dict[str, Any] = dict(common.SCHEMAS)
    for area in AREAS:
        paths.update(area.PATHS)
        schemas.update(area.SCHEMAS)
    return {
        "openapi": "3.1.0",
        "info": {"title": "XSight API", "version": VERSION,
                 "description": "The JSON API of the XSight embedded app. Money is a decimal string in "
                                "the shop currency; errors are {error, message}."},
        "servers": [{"url": PREFIX}],
        "security": [{"idToken": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {"idToken": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "The App Bridge ID token (session token) of the shop's admin user."}},
            "schemas": schemas},
    }


@bp.get(f"{PREFIX}/openapi.json")
def openapi_json() -> ResponseReturnValue:
    """Serve the OpenAPI document (public: it describes the API, not any shop's data)."""
    return jsonify(document())


