"""Data & privacy: privacy requests Shopify sent, the customer-data access log, request exports."""

from __future__ import annotations

from flask import current_app, g, jsonify
from flask.typing import ResponseReturnValue

from xsight import settings_of
from xsight.blueprints.api import bp
from xsight.blueprints.api.params import whole_number
from xsight.services import privacy
from xsight.services.access_log import record_customer_data

MAX_PAGE = 10_000
MAX_PER_PAGE = 100
PER_PAGE = 25


def _page() -> tuple[int, int]:
    return whole_number("page", 1, 1, MAX_PAGE), whole_number("per_page", PER_PAGE, 1, MAX_PER_PAGE)


@bp.get("/privacy/requests")
def list_privacy_requests() -> ResponseReturnValue:
    """Return one page of the privacy requests received for the shop, newest first."""
    page, per_page = _page()
    return jsonify(privacy.requests_page(g.shop.id, page, per_page))


@bp.get("/privacy/access-log")
def list_access_log() -> ResponseReturnValue:
    """Return one page of the log of responses that carried customers' personal data."""
    page, per_page = _page()
    retention = settings_of(current_app).ACCESS_LOG_RETENTION_DAYS
    return jsonify(privacy.access_log_page(g.shop.id, page, per_page, retention))


@bp.get("/privacy/requests/<int:request_id>/export")
def export_privacy_request(request_id: int) -> ResponseReturnValue:
    """Return, as a JSON download, what XSight stores about the customer of a data request."""
    body = privacy.export(g.shop.id, request_id)
    record_customer_data(1)
    response = jsonify(body)
    response.headers["Content-Disposition"] = f'attachment; filename="xsight-data-request-{request_id}.json"'
    return response
