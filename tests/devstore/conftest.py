"""Fixtures for the simulated store: a running store, a GraphQL helper and a webhook receiver."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from xsight.devstore import StoreHandle, start_store
from xsight.devstore.server import QuietHandler

SHOP = "xsight-demo.myshopify.com"
THROTTLE_RETRIES = 20
OTHER_SHOP = "other-tenant.myshopify.com"


class Admin:
    """Post GraphQL documents to a store as an app holding an access token."""

    def __init__(self, store: StoreHandle, token: str, shop: str = SHOP) -> None:
        self.store, self.token, self.shop = store, token, shop
        self.http = httpx.Client(timeout=30)

    def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> httpx.Response:
        """Return the raw HTTP response for a GraphQL call."""
        return self.http.post(
            self.store.graphql_url(),
            json={"query": query, "variables": variables or {}},
            headers={"X-Shopify-Access-Token": token or self.token, "Host": self.shop},
        )

    def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Return the JSON body of a successful (HTTP 200) GraphQL call."""
        for _ in range(THROTTLE_RETRIES):
            response = self.post(query, variables)
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            if not _throttled(body):
                return body
            cost = body["extensions"]["cost"]
            status = cost["throttleStatus"]
            time.sleep((cost["requestedQueryCost"] - status["currentlyAvailable"]) / status["restoreRate"])
        raise AssertionError(f"still throttled after {THROTTLE_RETRIES} tries")


def _throttled(body: dict[str, Any]) -> bool:
    errors = body.get("errors")
    return isinstance(errors, list) and any(
        e.get("extensions", {}).get("code") == "THROTTLED" for e in errors
    )


class RewriteTransport(httpx.HTTPTransport):
    """Send https://{shop}.myshopify.com/... to the store, keeping Host: {shop}."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base = httpx.URL(base_url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        request.url = request.url.copy_with(scheme=self.base.scheme, host=self.base.host, port=self.base.port)
        request.headers["Host"] = host
        return super().handle_request(request)


@dataclass
class Receiver:
    """A tiny app that records webhook deliveries and answers with scripted statuses."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    script: list[int] = field(default_factory=list)  # statuses to answer before 200s
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        with self.lock:
            self.requests.append(
                {"path": request.path, "headers": dict(request.headers), "body": request.get_data()}
            )
            status = self.script.pop(0) if self.script else 200
        return Response("ok", status=status)(environ, start_response)

    def topics(self) -> list[str]:
        """Return the X-Shopify-Topic of every request received."""
        with self.lock:
            return [r["headers"]["X-Shopify-Topic"] for r in self.requests]


@pytest.fixture(scope="session")
def store() -> Iterator[StoreHandle]:
    """A read-mostly store with the default small shop and a second tenant (Plus plan: 1000 points/s)."""
    handle = start_store(seed=1, extra_shops=[(OTHER_SHOP, 2)], plan="Shopify Plus")
    yield handle
    handle.stop()


@pytest.fixture(scope="session")
def admin(store: StoreHandle) -> Admin:
    """A GraphQL caller holding a non-expiring offline token for the default shop."""
    return Admin(store, store.access_token())


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    """A webhook receiver listening on a free loopback port."""
    rec = Receiver()
    server = make_server("127.0.0.1", 0, rec, threaded=True, request_handler=QuietHandler)
    rec.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield rec
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture()
def live_store(receiver: Receiver, tmp_path: Any) -> Iterator[StoreHandle]:
    """A fresh store that sends webhooks to `receiver` (for tests that change data)."""
    handle = start_store(
        seed=3,
        customers=40,
        orders=80,
        app_url=receiver.url,
        webhook_backoff_s=0.01,
        db_path=str(tmp_path / "live.sqlite"),
    )
    yield handle
    handle.stop()
