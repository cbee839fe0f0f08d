"""Prometheus metrics: definitions, and one exposition that also works across gunicorn workers.

With `PROMETHEUS_MULTIPROC_DIR` set (before the process starts), every worker writes its samples to
files there and `/metrics` merges them (prometheus_client's multiprocess mode); unset, the process's
own registry is exposed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Seconds: a webhook intake is ~1 ms, an API page ~10-100 ms, a big dashboard query seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
# Seconds: tasks and lags run from milliseconds (a webhook) to an hour (a 1M-order backfill).
LONG_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 14400)
RATE_BUCKETS = (10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000)

HTTP_REQUESTS = Counter("xsight_http_requests", "HTTP requests answered, by route and status.",
                        ("method", "route", "status"))
HTTP_LATENCY = Histogram("xsight_http_request_duration_seconds", "Time to answer an HTTP request.",
                         ("method", "route"), buckets=LATENCY_BUCKETS)
WEBHOOKS_RECEIVED = Counter("xsight_webhook_deliveries", "Webhook deliveries received, by topic and "
                            "outcome (recorded, duplicate, spooled, unknown_shop, malformed, invalid_hmac).",
                            ("topic", "outcome"))
WEBHOOKS_APPLIED = Counter("xsight_webhook_applied", "Webhook deliveries processed by a worker, by "
                           "topic and outcome (applied, stale, ignored, failed, retrying).",
                           ("topic", "outcome"))
WEBHOOK_LAG = Histogram("xsight_webhook_apply_lag_seconds", "From receiving a delivery to applying it.",
                        ("topic",), buckets=LONG_BUCKETS)
TASK_DURATION = Histogram("xsight_task_duration_seconds", "Huey task run time, by task.", ("task",),
                          buckets=LONG_BUCKETS)
TASK_FAILURES = Counter("xsight_task_failures", "Huey task runs that raised, by task.", ("task",))
TASK_QUEUE_LAG = Histogram("xsight_task_queue_lag_seconds", "From enqueue (or due time) to start.",
                           ("task",), buckets=LONG_BUCKETS)
SYNC_RUNS = Counter("xsight_sync_runs", "Finished sync runs, by kind and outcome.", ("kind", "outcome"))
SYNC_DURATION = Histogram("xsight_sync_run_duration_seconds", "Sync run wall time, by kind.", ("kind",),
                          buckets=LONG_BUCKETS)
SYNC_RATE = Histogram("xsight_sync_records_per_second", "Records a sync run stored per second.",
                      ("kind",), buckets=RATE_BUCKETS)
SHOPIFY_CALLS = Counter("xsight_shopify_api_calls", "Admin API calls, by outcome (ok, throttled, "
                        "http_error, graphql_error, network_error, unauthorized).", ("outcome",))
SHOPIFY_WAIT = Counter("xsight_shopify_throttle_wait_seconds", "Seconds spent waiting for Shopify's "
                       "bucket: pacing (before a call) or retry (after THROTTLED/429/5xx).", ("reason",))
SHOPIFY_BUCKET = Gauge("xsight_shopify_bucket_available_points", "Points left in the last observed "
                       "Shopify cost bucket (throttleStatus.currentlyAvailable).",
                       multiprocess_mode="mostrecent")
MODEL_FIT = Histogram("xsight_model_fit_duration_seconds", "Time to fit a shop's model, by model.",
                      ("model",), buckets=LONG_BUCKETS)


def multiprocess_dir() -> str:
    """Return the multiprocess directory, or "" in single-process mode."""
    return os.environ.get(MULTIPROC_ENV, "")


class _Snapshot:
    """A collector for values read at scrape time (queue depth, lags): no per-process state."""

    def __init__(self, gauges: Iterable[tuple[str, str, float | None]]) -> None:
        self._gauges = list(gauges)

    def collect(self) -> Iterable[Metric]:
        """Yield one gauge per value that could be read."""
        for name, doc, value in self._gauges:
            if value is not None:
                yield GaugeMetricFamily(name, doc, value=value)


def exposition(snapshot: Callable[[], Iterable[tuple[str, str, float | None]]]) -> tuple[bytes, str]:
    """Return the text exposition of every metric (merged across processes) and its content type."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    extra = CollectorRegistry()
    extra.register(_Snapshot(snapshot()))
    return body + generate_latest(extra), CONTENT_TYPE_LATEST
