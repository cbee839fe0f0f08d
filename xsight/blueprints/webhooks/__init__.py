"""Webhook intake: verify the HMAC over the raw body, record the delivery, answer fast."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from xsight import settings_of
from xsight.errors import BadRequest, Unauthorized
from xsight.ops import context, metrics
from xsight.services import compliance, webhooks
from xsight.shopify.shop_domain import valid_shop_domain
from xsight.shopify.webhook_hmac import valid_webhook_hmac

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


def _verified_body() -> str:
    """Return the raw body as text once its HMAC matches the current or previous secret."""
    raw = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH this raises 413
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Unauthorized("The webhook body is not UTF-8, so its HMAC cannot match.",
                           code="invalid_hmac") from None
    settings = settings_of(current_app)
    if not valid_webhook_hmac(raw, request.headers.get("X-Shopify-Hmac-Sha256"),
                              (settings.SHOPIFY_API_SECRET, settings.SHOPIFY_API_SECRET_PREVIOUS)):
        raise Unauthorized("The webhook's HMAC is missing or does not match.", code="invalid_hmac")
    if any("\x00" in value for key, value in request.headers.items()
           if key[:10].lower() == "x-shopify-"):  # PostgreSQL text cannot hold NUL
        raise BadRequest("The webhook's X-Shopify headers contain a NUL character.")
    return body


@bp.post("")
def receive() -> ResponseReturnValue:
    """Accept one webhook delivery from Shopify."""
    try:
        body = _verified_body()
    except Unauthorized:
        metrics.WEBHOOKS_RECEIVED.labels("-", "invalid_hmac").inc()  # topic unverified: not a label
        raise
    shop = valid_shop_domain(request.headers.get("X-Shopify-Shop-Domain"))
    topic = request.headers.get("X-Shopify-Topic", "")
    webhook_id = request.headers.get("X-Shopify-Webhook-Id", "")
    if shop is None or not topic or not webhook_id:
        raise BadRequest("The webhook lacks a valid shop domain, topic or webhook id header.")
    if topic in compliance.TOPICS:
        raise BadRequest(f"{topic} is delivered to /webhooks/compliance.")
    context.bind(shop=shop, topic=topic, webhook_id=webhook_id)
    receipt = webhooks.receive(shop, topic, webhook_id, body,
                               {name: request.headers.get(name) for name in webhooks.HEADER_FIELDS})
    metrics.WEBHOOKS_RECEIVED.labels(topic, receipt.outcome).inc()
    if receipt.outcome == "malformed":
        raise BadRequest("The webhook body is not valid JSON; it was stored for inspection.",
                         code="malformed_json")
    return jsonify({"status": receipt.outcome}), 200


@bp.post("/compliance")
def receive_compliance() -> ResponseReturnValue:
    """Accept one of the three mandatory privacy webhooks."""
    body = _verified_body()
    shop = valid_shop_domain(request.headers.get("X-Shopify-Shop-Domain"))
    topic = request.headers.get("X-Shopify-Topic", "")
    webhook_id = request.headers.get("X-Shopify-Webhook-Id", "")
    if shop is None or topic not in compliance.TOPICS or not webhook_id:
        raise BadRequest("Expected a privacy webhook with shop domain, topic and webhook id.")
    context.bind(shop=shop, topic=topic, webhook_id=webhook_id)
    receipt = webhooks.receive_privacy_request(shop, topic, webhook_id, body)
    metrics.WEBHOOKS_RECEIVED.labels(topic, receipt.outcome).inc()
    return jsonify({"status": receipt.outcome}), 200
