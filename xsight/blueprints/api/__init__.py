"""The JSON API under /api/v1, used by the embedded front end."""

from __future__ import annotations

from flask import Blueprint

from xsight.blueprints.api.guard import session_token_required, within_rate_limit
from xsight.services.access_log import write_access_log

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(session_token_required)
bp.before_request(within_rate_limit)
bp.after_request(write_access_log)

from xsight.blueprints.api import (  # noqa: E402,F401 - registers routes on bp
    analytics,
    customers,
    dashboard,
    orders,
    privacy,
    segments,
    settings,
    shop,
    sync,
    webhook_health,
)
