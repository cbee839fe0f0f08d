"""Webhook health: what arrived in the last day, what failed, what is still waiting."""

from __future__ import annotations

from flask import g, jsonify
from flask.typing import ResponseReturnValue

from xsight.blueprints.api import bp
from xsight.services.webhook_health import health


@bp.get("/webhooks/health")
def get_webhook_health() -> ResponseReturnValue:
    """Return deliveries of the last 24 h by topic and outcome, failures and the oldest pending one."""
    return jsonify(health(g.shop.id))
