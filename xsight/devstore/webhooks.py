"""Deliver signed webhooks to the app from a background thread, with retries and faults."""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import itertools
import json
import logging
import queue
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

log = logging.getLogger(__name__)
COMPLIANCE_TOPICS = frozenset({"customers/data_request", "customers/redact", "shop/redact"})
CONNECT_TIMEOUT_S = 1.0  # Shopify: 1 s to connect, 5 s for the whole request
POLL_S = 0.02
REORDER_HOLD_S = 0.3  # a held (reordered) delivery waits for a later one at most this long


def sign(body: bytes, secret: str) -> str:
    """Return X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the raw body with the app secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class Delivery:
    """One HTTP delivery of one webhook (retries reuse it, duplicates copy it)."""

    topic: str
    shop: str
    url: str
    body: bytes
    headers: dict[str, str]
    attempts: int = 0
    statuses: list[str] = field(default_factory=list)


class WebhookSender:
    """A bounded queue drained by one thread; failed deliveries are retried with backoff."""

    def __init__(self, services: Any) -> None:
        self.svc = services
        self.config = services.config
        self.queue: queue.Queue[Delivery] = queue.Queue(maxsize=self.config.webhook_queue)
        self.log: deque[dict[str, Any]] = deque(maxlen=self.config.webhook_log_size or None)
        self._retries: list[tuple[float, int, Delivery]] = []
        self._held: list[tuple[float, Delivery]] = []
        self._seq = itertools.count()
        self._stop = threading.Event()
        self._pending = 0  # deliveries queued, held, retrying or in flight
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the delivery thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="devstore-webhooks", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the delivery thread (pending deliveries are dropped)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def emit(self, shop: str, topic: str, payload: dict[str, Any], event_id: str | None = None) -> str | None:
        """Queue a webhook for the app; return its X-Shopify-Webhook-Id (None when there is no app URL)."""
        if not self.config.app_url:
            return None
        faults = self.config.faults
        body = json.dumps(payload, separators=(",", ":")).encode()
        webhook_id = str(uuid.uuid4())
        path = "/webhooks/compliance" if topic in COMPLIANCE_TOPICS else "/webhooks"
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": sign(body, self.config.api_secret),
            "X-Shopify-Shop-Domain": shop,
            "X-Shopify-API-Version": self.config.api_version,
            "X-Shopify-Webhook-Id": webhook_id,
            "X-Shopify-Event-Id": event_id or str(uuid.uuid4()),
            "X-Shopify-Triggered-At": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
        delivery = Delivery(topic, shop, self.config.app_url.rstrip("/") + path, body, headers)
        if self.svc.chance(faults.webhook_drop):
            self._record(delivery, "dropped")
            return webhook_id
        copies = [delivery]
        if self.svc.chance(faults.webhook_duplicate):
            copies.append(Delivery(topic, shop, delivery.url, body, dict(headers)))
        for copy in copies:
            with self._lock:
                self._pending += 1
            if self.svc.chance(faults.webhook_reorder):
                with self._lock:
                    self._held.append((time.monotonic(), copy))
                continue
            try:
                self.queue.put_nowait(copy)
            except queue.Full:
                self._record(copy, "overflow")
                self._done()
        return webhook_id

    def idle(self) -> bool:
        """Say whether nothing is queued, held, retrying or in flight."""
        with self._lock:
            return self._pending == 0

    def _done(self) -> None:
        with self._lock:
            self._pending -= 1

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every delivery has finished (or given up); return False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.idle():
                return True
            time.sleep(POLL_S)
        return False

    def _record(self, d: Delivery, outcome: str) -> None:
        self.log.append(
            {
                "webhook_id": d.headers["X-Shopify-Webhook-Id"],
                "topic": d.topic,
                "shop": d.shop,
                "outcome": outcome,
                "attempts": d.attempts,
                "statuses": list(d.statuses),
            }
        )

    def _next(self) -> Delivery | None:
        now = time.monotonic()
        with self._lock:
            if self._retries and self._retries[0][0] <= now:
                return heapq.heappop(self._retries)[2]
        try:
            return self.queue.get(timeout=POLL_S)
        except queue.Empty:
            self._release(time.monotonic() - REORDER_HOLD_S)  # nothing newer came: release old holds
            return None

    def _release(self, held_before: float) -> None:
        with self._lock:
            ready = [d for t, d in self._held if t <= held_before]
            self._held = [(t, d) for t, d in self._held if t > held_before]
        for d in ready:
            self.queue.put(d)

    def _run(self) -> None:
        timeout = httpx.Timeout(self.config.webhook_timeout_s, connect=CONNECT_TIMEOUT_S)
        with httpx.Client(timeout=timeout) as client:
            while not self._stop.is_set():
                delivery = self._next()
                if delivery is None:
                    time.sleep(POLL_S)
                    continue
                try:
                    self._send(client, delivery)
                except Exception:  # never let one delivery kill the sender thread
                    log.exception("devstore webhook delivery crashed (%s)", delivery.topic)
                    self._record(delivery, "failed")
                    self._done()
                self._release(time.monotonic())  # held deliveries go out after a later one

    def _send(self, client: httpx.Client, d: Delivery) -> None:
        d.attempts += 1
        try:
            response = client.post(d.url, content=d.body, headers=d.headers)
            status = str(response.status_code)
            ok = 200 <= response.status_code < 300
        except httpx.HTTPError as exc:
            status, ok = type(exc).__name__, False
        d.statuses.append(status)
        if ok:
            self._record(d, "delivered")
            self._done()
        elif d.attempts >= self.config.webhook_tries:
            self._record(d, "failed")
            self._done()
        else:
            due = time.monotonic() + self.config.webhook_backoff_s * 2 ** (d.attempts - 1)
            with self._lock:
                heapq.heappush(self._retries, (due, next(self._seq), d))
