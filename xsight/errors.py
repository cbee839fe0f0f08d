"""One exception tree for XSight, turned into JSON HTTP responses in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException

if TYPE_CHECKING:
    from flask import Flask, Response


class XSightError(Exception):
    """Base of every error XSight raises on purpose."""

    status = 500
    code = "internal_error"
    retriable = False

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.headers = headers or {}


class ConfigurationError(XSightError):
    """The settings are incomplete or invalid; lists every problem at once."""

    code = "configuration_error"

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        text = "XSight cannot start:\n" + "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(text)


class BadRequest(XSightError):
    """The request is malformed or a parameter is invalid."""

    status = 400
    code = "bad_request"


class Unauthorized(XSightError):
    """The caller could not be authenticated."""

    status = 401
    code = "unauthorized"


class Forbidden(XSightError):
    """The caller is authenticated but may not do this."""

    status = 403
    code = "forbidden"


class NotFound(XSightError):
    """The object does not exist for this shop."""

    status = 404
    code = "not_found"


class Conflict(XSightError):
    """The request conflicts with the current state (e.g. a sync already running)."""

    status = 409
    code = "conflict"


class PayloadTooLarge(XSightError):
    """The request body is larger than XSight accepts."""

    status = 413
    code = "payload_too_large"


class RateLimited(XSightError):
    """The shop has used its request budget; retry after the given seconds."""

    status = 429
    code = "rate_limited"
    retriable = True


class ServiceUnavailable(XSightError):
    """A dependency (database, queue, Shopify) is unreachable right now."""

    status = 503
    code = "service_unavailable"
    retriable = True


def error_response(code: str, message: str, status: int,
                   headers: dict[str, str] | None = None) -> Response:
    """Build the one JSON error shape: {"error": code, "message": text}."""
    from flask import jsonify

    response = jsonify({"error": code, "message": message})
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _http_code(exc: HTTPException) -> str:
    name = (exc.name or "error").lower()
    return "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")


def register_error_handlers(app: Flask) -> None:
    """Map every error to the JSON error shape with its status."""

    @app.errorhandler(XSightError)
    def _xsight(exc: XSightError) -> Any:
        return error_response(exc.code, exc.message, exc.status, exc.headers)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        status = exc.code or 500
        headers = {}
        if status == 405 and exc.get_response().headers.get("Allow"):
            headers["Allow"] = exc.get_response().headers["Allow"]
        return error_response(_http_code(exc), exc.description or exc.name, status, headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        app.logger.exception("unhandled error", exc_info=exc)
        return error_response("internal_error", "Something went wrong on our side; "
                              "the error has been logged.", 500)
