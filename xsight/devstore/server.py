"""Run the store in a background thread on a free loopback port (tests and the demo)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import httpx
from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import create_store_app
from .config import Faults, StoreConfig
from .generator import DEFAULT_SHOP, ShopSpec
from .oauth import mint_id_token
from .services import StoreServices

HOST = "127.0.0.1"
CONFIG_KEYS = {
    "db_path",
    "api_key",
    "api_secret",
    "app_url",
    "scopes",
    "access_token_ttl",
    "refresh_token_ttl",
    "bulk_url_ttl",
    "api_version",
    "activity_rate",
    "webhook_tries",
    "webhook_backoff_s",
    "webhook_timeout_s",
    "webhook_queue",
    "webhook_log_size",
    "bulk_dir",
}
SPEC_KEYS = {"customers", "orders", "products", "end", "horizon_days", "currency", "timezone", "plan"}


class QuietHandler(WSGIRequestHandler):
    """Serve requests without logging each one."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip the access log line."""


@dataclass
class StoreHandle:
    """A running store: where it listens, its app and services, and how to stop it."""

    base_url: str
    app: Flask
    services: StoreServices
    server: BaseWSGIServer
    thread: threading.Thread
    shop: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def config(self) -> StoreConfig:
        """Return the store's live configuration."""
        return self.services.config

    def access_token(self, shop: str | None = None, expiring: bool = False) -> str:
        """Issue an offline access token for a shop (default shop when omitted)."""
        cfg = self.config
        return str(
            self.services.tokens.issue(shop or self.shop, cfg.api_key, cfg.scopes, expiring)["access_token"]
        )

    def id_token(self, shop: str | None = None) -> str:
        """Mint an App Bridge-style ID token for a shop."""
        return mint_id_token(self.config, shop or self.shop)

    def set_faults(self, **knobs: float) -> None:
        """Change fault knobs (see Faults)."""
        self.config.faults.update(knobs)

    def graphql_url(self) -> str:
        """Return the Admin GraphQL endpoint on the store's own address."""
        return f"{self.base_url}/admin/api/{self.config.api_version}/graphql.json"

    def client(self, shop: str | None = None, **kwargs: Any) -> httpx.Client:
        """Return an httpx client aimed at the store with `Host: {shop}` set."""
        return httpx.Client(base_url=self.base_url, headers={"Host": shop or self.shop}, **kwargs)

    def stop(self) -> None:
        """Stop the HTTP server and the store's background threads."""
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()
        self.services.stop()


def start_store(
    *,
    seed: int = 1,
    shop: str = DEFAULT_SHOP,
    extra_shops: list[tuple[str, int]] | None = None,
    faults: dict[str, float] | None = None,
    port: int = 0,
    **opts: Any,
) -> StoreHandle:
    """Generate (if needed) and serve a store on 127.0.0.1; return a handle with base_url and stop()."""
    unknown = set(opts) - CONFIG_KEYS - SPEC_KEYS
    if unknown:
        raise TypeError(
            f"Unknown start_store options {sorted(unknown)}; known: {sorted(CONFIG_KEYS | SPEC_KEYS)}."
        )
    config = StoreConfig(default_shop=shop, seed=seed, **{k: v for k, v in opts.items() if k in CONFIG_KEYS})
    if faults:
        config.faults = Faults()
        config.faults.update(faults)
    spec_args = {k: v for k, v in opts.items() if k in SPEC_KEYS}
    specs = [ShopSpec(domain=shop, seed=seed, **spec_args)]
    specs += [ShopSpec(domain=d, seed=s, **spec_args) for d, s in extra_shops or []]
    app = create_store_app(config, specs)
    server = make_server(HOST, port, app, threaded=True, request_handler=QuietHandler)
    config.base_url = f"http://{HOST}:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="devstore-http", daemon=True)
    thread.start()
    return StoreHandle(config.base_url, app, app.extensions["devstore"], server, thread, shop)
