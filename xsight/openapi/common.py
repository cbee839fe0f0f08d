"""Shared OpenAPI pieces: scalar shapes, the error shape, paging parameters and response helpers."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

MONEY_PATTERN = r"^-?\d+(\.\d+)?$"
RFM_GROUPS = ["CHAMPIONS", "LOYAL", "ACTIVE", "NEW", "PROMISING", "NEEDS_ATTENTION", "ALMOST_LOST",
              "AT_RISK", "PREVIOUSLY_LOYAL", "DORMANT", "PROSPECTS"]
CHURN_RISKS = ["low", "medium", "high"]


def ref(name: str) -> Schema:
    """Return a reference to the component schema `name`."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """Return `schema` or null (OpenAPI 3.1 spelling)."""
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict[str, Schema], required: list[str] | None = None) -> Schema:
    """Return an object schema; every listed property is required unless `required` is given."""
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required}


def array(items: Schema) -> Schema:
    """Return an array schema of `items`."""
    return {"type": "array", "items": items}


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOLEAN: Schema = {"type": "boolean"}
ANY_OBJECT: Schema = {"type": "object"}
# A day given as a query parameter; days before 1900 or after 2999 are refused with 400.
DAY_PARAM: Schema = {"type": "string", "format": "date",
                     "description": "YYYY-MM-DD, 1900-01-01 to 2999-12-31."}

SCHEMAS: dict[str, Schema] = {
    "Error": {**obj({"error": {"type": "string", "description": "A stable machine-readable code."},
                     "message": {"type": "string", "description": "A sentence saying what to fix."},
                     "path": {"type": "string", "description": "Where in a rule tree the problem is."},
                     "position": {"type": "integer", "minimum": 0,
                                  "description": "0-based character of a segment-text syntax error."}},
                    required=["error", "message"])},
    "Money": {"type": "string", "pattern": MONEY_PATTERN,
              "description": "A decimal amount in the shop currency, e.g. \"123.45\"."},
    "Date": {"type": "string", "format": "date", "description": "A shop-local day, YYYY-MM-DD."},
    "DateTime": {"type": "string", "format": "date-time", "description": "An ISO 8601 timestamp in UTC."},
    "Cursor": nullable({"type": "string", "description": "Opaque; pass as `after` for the next page."}),
    "Currency": {"type": "string", "description": "The shop's ISO 4217 currency code."},
}

ERRORS = {
    "400": "The request or one of its parameters is invalid.",
    "401": "The ID token is missing, invalid or expired, or the shop has not installed XSight.",
    "404": "The object does not exist for this shop.",
    "409": "The request conflicts with the current state (e.g. a run is already going).",
    "429": "The shop has used its request budget; retry after `Retry-After` seconds.",
}


def error(status: str) -> Schema:
    """Return the response object of an error status."""
    return {"description": ERRORS[status], "content": {"application/json": {"schema": ref("Error")}}}


def json_ok(schema: Schema, description: str = "OK") -> Schema:
    """Return a JSON response object."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def csv_ok(description: str) -> Schema:
    """Return a streamed CSV response object."""
    return {"description": description, "content": {"text/csv": {"schema": {"type": "string"}}}}


def operation(summary: str, tag: str, ok: dict[str, Schema], *, errors: tuple[str, ...] = (),
              parameters: list[Schema] | None = None, body: Schema | None = None) -> Schema:
    """Return an operation: its success responses plus 401, 429 and the listed error statuses."""
    responses = dict(ok)
    for status in sorted({"401", "429", *errors}):
        responses[status] = error(status)
    op: Schema = {"summary": summary, "tags": [tag], "responses": responses}
    if parameters:
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def query(name: str, schema: Schema, description: str) -> Schema:
    """Return an optional query parameter."""
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def path_id(name: str, what: str) -> Schema:
    """Return a required integer path parameter naming one of the shop's objects."""
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 0}, "description": f"The {what}'s id."}


def paging(sort: Schema, default_sort: str) -> list[Schema]:
    """Return the keyset paging parameters: sort, direction, limit and after."""
    return [query("sort", sort, f"The field to sort by (default {default_sort})."),
            query("direction", {"type": "string", "enum": ["asc", "desc"]}, "Sort direction (default desc)."),
            query("limit", {"type": "integer", "minimum": 1, "maximum": 250}, "Page size (default 50)."),
            query("after", {"type": "string"}, "The `next_cursor` of the previous page.")]
