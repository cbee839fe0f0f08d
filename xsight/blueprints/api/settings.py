"""The shop's settings: sync schedule, CLV margin and monthly discount rate."""

from __future__ import annotations

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue

from xsight.blueprints.api import bp
from xsight.errors import BadRequest
from xsight.services import settings
from xsight.tasks.analytics import recompute_soon


@bp.get("/settings")
def get_settings() -> ResponseReturnValue:
    """Return the shop's settings, their defaults and the values each one allows."""
    return jsonify({"settings": settings.current(g.shop)})


@bp.patch("/settings")
def patch_settings() -> ResponseReturnValue:
    """Change some settings; a new margin or discount rate recomputes the predictions."""
    body = request.get_json(silent=True)
    if body is None:
        raise BadRequest('The body must be JSON, like {"margin": 0.4}.')
    values, economics_changed = settings.update(g.shop, body)
    if economics_changed:
        recompute_soon(g.shop.id)
    return jsonify({"settings": values, "recompute_queued": economics_changed})
