"""The dashboard for a range of shop-local days."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import g, jsonify
from flask.typing import ResponseReturnValue

from xsight.blueprints.api import bp
from xsight.blueprints.api.params import iso_date, whole_number
from xsight.errors import BadRequest
from xsight.services.access_log import record_customer_data
from xsight.services.dashboard import dashboard

MAX_DAYS = 3 * 366
MAX_TOP = 50
DEFAULT_DAYS = 30


@bp.get("/dashboard")
def get_dashboard() -> ResponseReturnValue:
    """Return KPIs, by-day series and top customers for [start, end] (default: the last 30 days)."""
    today = datetime.now(ZoneInfo(g.shop.iana_timezone or "UTC")).date()
    end = iso_date("end", today)
    start = iso_date("start", end - timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        raise BadRequest(f"start ({start}) must not be after end ({end}).")
    if (end - start).days + 1 > MAX_DAYS:
        raise BadRequest(f"The range may span at most {MAX_DAYS} days; got {(end - start).days + 1}.")
    top = whole_number("top", 5, 0, MAX_TOP)
    body = dashboard(g.shop, start, end, top)
    record_customer_data(len(body["top_customers"]))
    return jsonify(body)
