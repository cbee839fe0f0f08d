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
                 headers: dict[str, str] | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        # Extra JSON fields next to error and message (e.g. the position of a syntax error).
        self.details = details or {}
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


class TokenExchangeFailed(XSightError):
    """Shopify refused or could not complete a token exchange or refresh."""

    status = 401
    code = "token_exchange_failed"

    def __init__(self, message: str, *, retriable: bool = False) -> None:
        super().__init__(message)
        self.retriable = retriable


class ShopNotInstalled(XSightError):
    """The shop has no usable access token (never installed, or uninstalled)."""

    status = 401
    code = "shop_not_installed"


def error_response(code: str, message: str, status: int, headers: dict[str, str] | None = None,
                   details: dict[str, Any] | None = None) -> Response:
    """Build the one JSON error shape: {"error": code, "message": text} (plus any details)."""
    from flask import jsonify

    response = jsonify({**(details or {}), "error": code, "message": message})
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
        return error_response(exc.code, exc.message, exc.status, exc.headers, exc.details)

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


# --- Shopify Admin API errors (raised by xsight.shopify; never carry a token) ---


class ShopifyError(XSightError):
    """Base of every error from talking to Shopify's Admin API."""

    status = 502
    code = "shopify_error"


class ShopifyHTTPError(ShopifyError):
    """Shopify answered with an HTTP error status; retriable only for 429 and 5xx."""

    code = "shopify_http_error"

    def __init__(self, message: str, *, shopify_status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.shopify_status = shopify_status
        self.retry_after = retry_after
        self.retriable = shopify_status == 429 or shopify_status >= 500


class ShopifyUnauthorized(ShopifyHTTPError):
    """Shopify refused the access token (401); refresh it once, then give up."""

    code = "shopify_unauthorized"

    def __init__(self, message: str) -> None:
        super().__init__(message, shopify_status=401)


class ShopifyNetworkError(ShopifyError):
    """Shopify could not be reached (connect, read or protocol failure) after retries."""

    code = "shopify_unreachable"
    status = 503
    retriable = True


class ShopifyThrottled(ShopifyError):
    """Shopify kept throttling the request after every allowed retry."""

    code = "shopify_throttled"
    status = 503
    retriable = True


class ShopifyGraphQLError(ShopifyError):
    """Shopify rejected the GraphQL document or its execution; retrying will not help."""

    code = "shopify_graphql_error"

    def __init__(self, message: str, errors: list[dict[str, object]] | None = None,
                 data: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.errors = list(errors or [])
        self.data = data  # partial data Shopify sent with the errors (e.g. redacted fields)


class MaxCostExceeded(ShopifyGraphQLError):
    """The query asks for more than Shopify's single-query cost cap; make pages smaller."""

    code = "shopify_max_cost_exceeded"


class BulkOperationError(ShopifyError):
    """A bulk operation could not be started, failed, or did not finish in time."""

    code = "shopify_bulk_operation_error"
