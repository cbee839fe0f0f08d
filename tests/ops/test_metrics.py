"""/metrics parses as Prometheus text, counts what a scenario did, and is not open to everyone."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import MakeApp, ShopifyHelper, make_settings
from xsight.errors import ShopifyUnauthorized
from xsight.models import Shop
from xsight.shopify.client import AdminClient

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: FlaskClient, **headers: str) -> Samples:
    """Return every sample of /metrics keyed by (name, sorted labels)."""
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.data
    assert response.content_type.startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def shopify_answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"data": {"shop": {"id": "gid://shopify/Shop/1"}}, "extensions": {
        "cost": {"requestedQueryCost": 2, "actualQueryCost": 2, "throttleStatus": {
            "maximumAvailable": 2000.0, "currentlyAvailable": 1234.0, "restoreRate": 100.0}}}})


def test_scenario_counts_two_webhooks_and_one_api_call(app: Flask, client: FlaskClient,
                                                       shopify: ShopifyHelper,
                                                       make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    before = scrape(client)
    for n in range(2):
        body = json.dumps({"id": n + 1, "updated_at": "2026-11-26T08:00:00Z"}).encode()
        headers = shopify.webhook_headers(shop.domain, "customers/update", body)
        assert client.post("/webhooks", data=body, headers=headers).status_code == 200
    duplicate = shopify.webhook_headers(shop.domain, "customers/update", body,
                                        webhook_id=headers["X-Shopify-Webhook-Id"])
    client.post("/webhooks", data=body, headers=duplicate)
    api = AdminClient(shop.domain, httpx.Client(transport=httpx.MockTransport(shopify_answer)),
                      token=lambda: "shpat_test")
    api.execute("Shop")
    after = scrape(client)

    assert delta(before, after, "xsight_webhook_deliveries_total", topic="customers/update",
                 outcome="recorded") == 2
    assert delta(before, after, "xsight_webhook_deliveries_total", topic="customers/update",
                 outcome="duplicate") == 1
    assert delta(before, after, "xsight_webhook_applied_total", topic="customers/update",
                 outcome="processed") == 2
    assert delta(before, after, "xsight_webhook_apply_lag_seconds_count", topic="customers/update") == 2
    assert delta(before, after, "xsight_task_duration_seconds_count", task="process_webhook") == 2
    assert delta(before, after, "xsight_task_queue_lag_seconds_count", task="process_webhook") == 2
    assert delta(before, after, "xsight_http_requests_total", method="POST", route="/webhooks",
                 status="200") == 3
    assert delta(before, after, "xsight_http_request_duration_seconds_count", method="POST",
                 route="/webhooks") == 3
    assert delta(before, after, "xsight_shopify_api_calls_total", outcome="ok") == 1
    assert after[("xsight_shopify_bucket_available_points", ())] == 1234.0
    assert after[("xsight_queue_depth", ())] == 0
    assert after[("xsight_webhook_oldest_pending_seconds", ())] == 0


def test_failed_api_calls_are_counted_by_outcome(app: Flask, client: FlaskClient) -> None:
    before = scrape(client)
    api = AdminClient("a.myshopify.com", httpx.Client(transport=httpx.MockTransport(
        lambda r: httpx.Response(401, json={"errors": "nope"}))), token=lambda: "shpat_test")
    with pytest.raises(ShopifyUnauthorized):
        api.execute("Shop")
    after = scrape(client)
    assert delta(before, after, "xsight_shopify_api_calls_total", outcome="unauthorized") == 1
    assert delta(before, after, "xsight_shopify_api_calls_total", outcome="ok") == 0


def test_metrics_answer_loopback_only_without_a_token(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 200  # the test client calls from 127.0.0.1
    remote = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert remote.status_code == 403 and remote.json["error"] == "forbidden"
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_metrics_require_the_bearer_token_when_set(tmp_path: Path, make_app: MakeApp, app: Flask) -> None:
    token = "metrics-token-0123456789abcdef"
    guarded = make_app(make_settings(tmp_path / "m", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
                                     METRICS_TOKEN=token)).test_client()
    assert guarded.get("/metrics").status_code == 401  # loopback is not enough once a token is set
    assert guarded.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    remote = guarded.get("/metrics", headers={"Authorization": f"Bearer {token}"},
                         environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert remote.status_code == 200 and b"xsight_http_requests_total" in remote.data


def test_model_fits_and_task_failures_are_counted(app: Flask, make_shop: Callable[..., Shop]) -> None:
    from prometheus_client import REGISTRY

    from tests.services.orders_factory import seed_shop
    from xsight.tasks.analytics import recompute_insights
    from xsight.tasks.queue import huey

    def value(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    fits = value("xsight_model_fit_duration_seconds_count", model="bgnbd_gamma_gamma")
    shop = make_shop(iana_timezone="Europe/Berlin")
    with app.app_context():
        seed_shop(shop.id, 500)
        assert recompute_insights(shop.id)() == "succeeded"  # through the queue (immediate in tests)
    assert value("xsight_model_fit_duration_seconds_count", model="bgnbd_gamma_gamma") == fits + 1
    assert value("xsight_model_fit_duration_seconds_sum", model="bgnbd_gamma_gamma") > 0

    @huey.task(name="test_metrics_failing_task")
    def failing() -> None:
        raise RuntimeError("counted")

    failures = value("xsight_task_failures_total", task="test_metrics_failing_task")
    with app.app_context():
        failing()
        failing()
    assert value("xsight_task_failures_total", task="test_metrics_failing_task") == failures + 2
