"""Serve POST /admin/api/{version}/graphql.json with auth, cost, throttling and faults."""

from __future__ import annotations

import math
import time
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from graphql import FragmentDefinitionNode, OperationDefinitionNode

from .cost import MAX_QUERY_COST, CostCalculator
from .schema import admin_schema, prepare, run, shape_error
from .throttle import Bucket

bp = Blueprint("devstore_graphql", __name__)
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"  # noqa: S105
RATE_DOC = "https://shopify.dev/api/usage/rate-limits"


def services() -> Any:
    """Return the store services bound to the current app."""
    return current_app.extensions["devstore"]


def _cost_ext(requested: int, actual: int | None, bucket: Bucket) -> dict[str, Any]:
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": {
                "maximumAvailable": bucket.maximum,
                "currentlyAvailable": int(bucket.available),
                "restoreRate": bucket.rate,
            },
        }
    }


def fault_response() -> Response | None:
    """Apply latency and 5xx fault knobs; return an error response when one fires."""
    svc = services()
    faults = svc.config.faults
    if faults.latency_ms:
        time.sleep(faults.latency_ms / 1000)
    if faults.error_rate and svc.chance(faults.error_rate):
        status = svc.pick((502, 503, 504))
        return Response(
            f"<html><body><h1>{status}</h1>devstore fault</body></html>", status=status, mimetype="text/html"
        )
    return None


def _operation(doc: Any, name: str | None) -> OperationDefinitionNode | None:
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    if name:
        return next((o for o in ops if o.name and o.name.value == name), None)
    return ops[0] if len(ops) == 1 else None


@bp.post("/admin/api/<version>/graphql.json")
def graphql(version: str) -> Any:
    """Answer one Admin GraphQL request the way Shopify does."""
    svc = services()
    failed = fault_response()
    if failed is not None:
        return failed
    shop = svc.shop_for_host(request.host)
    if shop is None:
        return jsonify(errors="Not Found"), 404
    client_id = svc.tokens.check(request.headers.get("X-Shopify-Access-Token", ""), shop)
    if client_id is None:
        return jsonify(errors=INVALID_TOKEN), 401
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return jsonify(errors={"query": "Required parameter missing or invalid"}), 400
    doc, errors = prepare(body["query"])
    if doc is None:
        return jsonify(errors=list(errors))
    variables = body.get("variables") or {}
    op = _operation(doc, body.get("operationName"))
    if op is None:
        return jsonify(
            errors=[
                {
                    "message": "An operation name is required when sending multiple operations.",
                    "extensions": {"code": "operationNameRequired"},
                }
            ]
        )
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    calc = CostCalculator(admin_schema(), fragments, variables)
    requested = calc.requested(op)
    key, rate = (client_id, shop), svc.restore_rate(shop)
    if requested > MAX_QUERY_COST:
        bucket = svc.throttle.peek(key, rate)
        return jsonify(
            errors=[
                {
                    "message": f"Query cost is {requested}, which exceeds the single query max cost "
                    f"limit ({MAX_QUERY_COST}).",
                    "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": MAX_QUERY_COST},
                }
            ],
            extensions=_cost_ext(requested, None, bucket),
        )
    forced = svc.config.faults.throttle_pressure and svc.chance(svc.config.faults.throttle_pressure)
    granted, bucket = (
        (False, svc.throttle.peek(key, rate)) if forced else svc.throttle.take(key, rate, requested)
    )
    if not granted:
        return _throttled(svc, requested, bucket)
    result = run(doc, svc.ctx(shop), variables, body.get("operationName"))
    actual = calc.actual(op, result.data)
    bucket = svc.throttle.refund(key, rate, requested - actual)
    out: dict[str, Any] = {}
    if result.errors:
        out["errors"] = [shape_error(e) for e in result.errors]
    out["data"] = result.data
    out["extensions"] = _cost_ext(requested, actual, bucket)
    return jsonify(out)


def _throttled(svc: Any, requested: int, bucket: Bucket) -> Any:
    body = {
        "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": RATE_DOC}}],
        "extensions": _cost_ext(requested, None, bucket),
    }
    if svc.chance(svc.config.faults.throttle_429_share):
        wait = max(1, math.ceil((requested - bucket.available) / bucket.rate))
        response = jsonify(body)
        response.status_code = 429
        response.headers["Retry-After"] = str(wait)
        return response
    return jsonify(body)
