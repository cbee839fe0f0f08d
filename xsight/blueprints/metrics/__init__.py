"""Prometheus scrape endpoint, for a bearer token holder or (without one) loopback callers only."""

from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, Response, current_app, request
from flask.typing import ResponseReturnValue

from xsight import settings_of
from xsight.errors import Forbidden, Unauthorized
from xsight.ops import backlog, metrics

bp = Blueprint("metrics", __name__)


def _is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _require_scraper() -> None:
    """Let the request through when it carries METRICS_TOKEN, or comes from loopback when unset."""
    token = settings_of(current_app).METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        if not sent.startswith("Bearer ") or not hmac.compare_digest(sent[7:].encode(), token.encode()):
            raise Unauthorized("Send the metrics token as `Authorization: Bearer <METRICS_TOKEN>`.")
        return
    if not _is_loopback(request.remote_addr):
        raise Forbidden("Without METRICS_TOKEN, /metrics answers only callers on this machine; "
                        "set METRICS_TOKEN to scrape it from elsewhere.")


@bp.get("/metrics")
def scrape() -> ResponseReturnValue:
    """Answer with every metric in Prometheus text format."""
    _require_scraper()
    body, content_type = metrics.exposition(lambda: backlog.measure().gauges())
    return Response(body, content_type=content_type)
