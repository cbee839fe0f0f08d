"""OpenAPI paths and shapes of the shop's settings, data & privacy, and webhook health."""

from __future__ import annotations

from xsight.blueprints.api.privacy import MAX_PAGE, MAX_PER_PAGE, PER_PAGE
from xsight.models.webhook_delivery import DELIVERY_STATUSES
from xsight.openapi.common import (
    ANY_OBJECT,
    BOOLEAN,
    INTEGER,
    NUMBER,
    STRING,
    Schema,
    array,
    json_ok,
    nullable,
    obj,
    operation,
    path_id,
    query,
    ref,
)
from xsight.services.settings import SYNC_INTERVAL_CHOICES

N_STR, N_INT = nullable(STRING), nullable(INTEGER)
ECONOMICS = {"sync_interval_minutes": {"type": "integer", "enum": list(SYNC_INTERVAL_CHOICES)},
             "margin": NUMBER, "monthly_discount_rate": NUMBER}
SETTINGS = obj({**ECONOMICS, "defaults": ANY_OBJECT, "limits": ANY_OBJECT})
PRIVACY_REQUEST = obj({"id": INTEGER, "topic": STRING, "status": STRING, "customer_id": N_STR,
                       "orders": INTEGER, "received_at": N_STR, "completed_at": N_STR, "error": N_STR,
                       "exportable": BOOLEAN})
PAGE = {"page": INTEGER, "per_page": INTEGER, "total": INTEGER}
COUNTS = {status: INTEGER for status in DELIVERY_STATUSES}
HEALTH = obj({
    "window_hours": INTEGER, "since": N_STR, "last_received_at": N_STR,
    "totals": {"type": "object", "additionalProperties": INTEGER},
    "topics": array(obj({"topic": STRING, "total": INTEGER, "last_received_at": N_STR, **COUNTS},
                        required=["topic", "total", "last_received_at"])),
    "oldest_pending": nullable(obj({"topic": STRING, "received_at": N_STR, "age_seconds": INTEGER})),
    "malformed": INTEGER,
    "failures": array(obj({"topic": STRING, "status": STRING, "received_at": N_STR, "error": N_STR}))})


def _paging() -> list[Schema]:
    return [query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "1-based page number."),
            query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                  f"Rows per page (default {PER_PAGE}).")]


SCHEMAS: dict[str, Schema] = {"Settings": SETTINGS, "PrivacyRequest": PRIVACY_REQUEST,
                              "WebhookHealth": HEALTH}

PATHS: dict[str, Schema] = {
    "/settings": {
        "get": operation("The shop's settings with defaults and allowed values.", "Settings",
                         {"200": json_ok(obj({"settings": ref("Settings")}))}),
        "patch": operation("Change some settings; new economics queue a recompute.", "Settings",
                           {"200": json_ok(obj({"settings": ref("Settings"), "recompute_queued": BOOLEAN}))},
                           errors=("400",), body={"type": "object", "properties": ECONOMICS,
                                                  "additionalProperties": False}),
    },
    "/privacy/requests": {"get": operation(
        "Privacy requests Shopify sent for the shop, newest first.", "Privacy",
        {"200": json_ok(obj({"requests": array(ref("PrivacyRequest")), **PAGE}))},
        errors=("400",), parameters=_paging())},
    "/privacy/requests/{request_id}/export": {"get": operation(
        "Download what XSight stores about the customer of a data request.", "Privacy",
        {"200": json_ok(obj({"request": ref("PrivacyRequest"), "shop_data": ANY_OBJECT}))},
        errors=("404", "409"), parameters=[path_id("request_id", "privacy request")])},
    "/privacy/access-log": {"get": operation(
        "Responses that carried customers' personal data, newest first.", "Privacy",
        {"200": json_ok(obj({"entries": array(obj({"id": INTEGER, "staff_user_id": N_STR, "route": STRING,
                                                   "customer_count": INTEGER, "accessed_at": N_STR})),
                             **PAGE, "retention_days": INTEGER}))},
        errors=("400",), parameters=_paging())},
    "/webhooks/health": {"get": operation(
        "Webhook deliveries of the last 24 h by topic and outcome, failures and the oldest pending.",
        "Sync", {"200": json_ok(ref("WebhookHealth"))})},
}
