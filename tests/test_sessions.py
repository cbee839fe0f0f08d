"""No cookie session is opened for the webhook paths; other paths keep Flask's signed-cookie session."""

from __future__ import annotations

from flask import Flask, request


def test_webhook_paths_get_a_null_session_and_others_a_real_one(app: Flask) -> None:
    interface = app.session_interface
    for path, null in (("/webhooks", True), ("/webhooks/compliance", True), ("/api/v1/sync/runs", False),
                       ("/", False)):
        with app.test_request_context(path, method="POST"):
            session = interface.open_session(app, request)
            assert session is not None and interface.is_null_session(session) is null, path
