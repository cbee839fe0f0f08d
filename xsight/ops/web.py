"""Request ids, one access line per request, and HTTP metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from xsight.ops import context, metrics, sentry

REQUEST_ID_HEADER = "X-Request-Id"
# An incoming id is kept when it is short and plain (load balancers send UUIDs or hex); otherwise
# a new one is made, so a header cannot inject text into log lines.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Probes and scrapes answer often and say nothing about users: metrics yes, log lines no.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

log = logging.getLogger("xsight.http")


def request_id_from(header: str | None) -> str:
    """Return the caller's request id when it is well-formed, else a new one."""
    if header and VALID_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


def _begin() -> None:
    rid = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_id = rid
    g.request_started = time.perf_counter()
    context.push(request_id=rid)
    sentry.tag(request_id=rid)


def _finish(response: Response) -> Response:
    rid = getattr(g, "request_id", None)
    if rid:
        response.headers[REQUEST_ID_HEADER] = rid
    started = getattr(g, "request_started", None)
    if started is None:
        return response
    duration = time.perf_counter() - started
    route = request.url_rule.rule if request.url_rule else "unmatched"
    shop = getattr(g, "shop", None)
    if shop is not None and not context.get("shop"):
        context.bind(shop=getattr(shop, "domain", None))
    metrics.HTTP_REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    metrics.HTTP_LATENCY.labels(request.method, route).observe(duration)
    if request.path not in QUIET_PATHS:
        level = logging.WARNING if response.status_code >= 500 else logging.INFO
        log.log(level, "request", extra={
            "method": request.method, "route": route, "status": response.status_code,
            "duration_ms": round(duration * 1000, 2)})
    return response


def _teardown(exc: BaseException | None) -> None:
    if getattr(g, "request_started", None) is not None:
        context.pop()


def init_app(app: Flask) -> None:
    """Give every request an id, echo it, log one line and count it."""
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)
    app.after_request(_finish)
    app.teardown_request(_teardown)
