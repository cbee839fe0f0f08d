"""Operations: structured logs, request ids, metrics, error reporting and health of the backlog."""

from __future__ import annotations

from flask import Flask

from xsight.config import Settings


def init_app(app: Flask, settings: Settings) -> None:
    """Wire logging, request ids, HTTP metrics and Sentry into an app."""
    from xsight.ops import logs, sentry, web

    fmt = settings.LOG_FORMAT or ("json" if settings.XSIGHT_ENV == "production" else "human")
    secrets = (settings.SHOPIFY_API_SECRET, settings.SHOPIFY_API_SECRET_PREVIOUS,
               settings.ENCRYPTION_KEY, settings.SECRET_KEY, settings.METRICS_TOKEN,
               *settings.ENCRYPTION_KEY_PREVIOUS.split(","))
    logs.configure(settings.LOG_LEVEL, fmt, tuple(s.strip() for s in secrets if s))
    web.init_app(app)
    if settings.SENTRY_DSN and not sentry.enabled():
        sentry.init(settings.SENTRY_DSN, settings.XSIGHT_ENV, settings.SENTRY_RELEASE or None)
