"""Liveness, readiness and the JSON error shape."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from tests.conftest import MakeApp, make_settings


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_reports_the_backend(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ready"
    assert response.json["database"] in {"sqlite", "postgresql"}


def test_readyz_is_503_with_the_reason_when_the_database_is_down(tmp_path: Path,
                                                                 make_app: MakeApp) -> None:
    settings = make_settings(tmp_path,
                             DATABASE_URL="postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    app = make_app(settings)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["error"] == "not_ready"
    assert "database unreachable" in response.json["message"]


def test_unknown_api_route_is_json_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response.is_json
    assert set(response.json) == {"error", "message"}
    assert response.json["error"] == "not_found"


def test_wrong_method_is_json_405(client: FlaskClient) -> None:
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response.json["error"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
