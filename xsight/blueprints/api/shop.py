"""The current shop."""

from __future__ import annotations

from flask import g, jsonify
from flask.typing import ResponseReturnValue

from xsight.blueprints.api import bp
from xsight.services.shops import describe_shop


@bp.get("/shop")
def get_shop() -> ResponseReturnValue:
    """Return the current shop: domain, name, currency, time zone, plan, install state, last sync."""
    return jsonify(describe_shop(g.shop))
