"""Fixtures: an app per test on SQLite (or DATABASE_URL), a client, a shop factory."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient

from xsight import create_app
from xsight.config import Settings, load_settings, new_encryption_key
from xsight.extensions import db
from xsight.models import Shop

TEST_API_KEY = "test-api-key"
TEST_API_SECRET = "test-api-secret-" + "0123456789abcdef" * 3
TEST_PREVIOUS_SECRET = "test-previous-secret-fedcba9876543210"
MakeApp = Callable[[Settings], Flask]
POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def make_settings(instance: Path, **overrides: Any) -> Settings:
    """Return test settings rooted in `instance` (PostgreSQL when DATABASE_URL is set)."""
    values: dict[str, Any] = {
        "XSIGHT_ENV": "test",
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "SHOPIFY_API_KEY": TEST_API_KEY,
        "SHOPIFY_API_SECRET": TEST_API_SECRET,
        "SHOPIFY_API_SECRET_PREVIOUS": TEST_PREVIOUS_SECRET,
        "ENCRYPTION_KEY": new_encryption_key(),
        "SECRET_KEY": "test-secret-key",
        "APP_URL": "https://xsight.test",
    }
    values.update(overrides)
    return load_settings(environ={}, **values)


def reset_database() -> None:
    """Drop every table (and Alembic's marker) so a test starts from nothing."""
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "instance")


def flush_redis() -> None:
    """Empty the test Redis database so rate-limit buckets do not leak between tests."""
    if os.environ.get("REDIS_URL"):
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    flush_redis()
    app = create_app(settings)
    with app.app_context():
        reset_database()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if POSTGRES:
            reset_database()
        db.engine.dispose()


@pytest.fixture
def make_app() -> Iterator[Callable[[Settings], Flask]]:
    """Return a factory for extra apps (other settings, same database); disposes their engines."""
    apps: list[Flask] = []

    def factory(settings: Settings) -> Flask:
        app = create_app(settings)
        apps.append(app)
        return app

    yield factory
    for extra in apps:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_shop(app: Flask) -> Callable[..., Shop]:
    """Return a factory that inserts an installed shop."""
    counter = iter(range(1, 10_000))

    def factory(**fields: Any) -> Shop:
        n = next(counter)
        values: dict[str, Any] = {
            "domain": f"shop-{n}.myshopify.com",
            "name": f"Shop {n}",
            "currency": "USD",
            "iana_timezone": "America/New_York",
            "installed": True,
        }
        values.update(fields)
        with app.app_context():
            shop = Shop(**values)
            db.session.add(shop)
            db.session.commit()
            db.session.refresh(shop)
            db.session.expunge(shop)
        return shop

    return factory


class ShopifyHelper:
    """Mint App Bridge ID tokens and sign webhooks the way Shopify does."""

    def __init__(self, api_key: str = TEST_API_KEY, secret: str = TEST_API_SECRET) -> None:
        self.api_key, self.secret = api_key, secret

    def claims(self, shop: str, **overrides: Any) -> dict[str, Any]:
        """Return the claims of a fresh ID token for `shop` (None values are dropped)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": f"https://{shop}/admin", "dest": f"https://{shop}", "aud": self.api_key,
            "sub": "42", "exp": now + 60, "nbf": now, "iat": now, "jti": str(uuid.uuid4()),
            "sid": "session-" + shop,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def id_token(self, shop: str, *, secret: str | None = None, algorithm: str = "HS256",
                 **overrides: Any) -> str:
        """Return a signed ID token for `shop`."""
        return jwt.encode(self.claims(shop, **overrides), secret or self.secret, algorithm=algorithm)

    def auth(self, shop: str, **overrides: Any) -> dict[str, str]:
        """Return the Authorization header App Bridge would send."""
        return {"Authorization": f"Bearer {self.id_token(shop, **overrides)}"}

    def webhook_headers(self, shop: str, topic: str, body: bytes, *, webhook_id: str | None = None,
                        secret: str | None = None) -> dict[str, str]:
        """Return the headers of a webhook delivery with a real HMAC."""
        digest = hmac.new((secret or self.secret).encode(), body, hashlib.sha256).digest()
        return {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
            "X-Shopify-Shop-Domain": shop,
            "X-Shopify-API-Version": "2026-04",
            "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Event-Id": str(uuid.uuid4()),
            "X-Shopify-Triggered-At": "2026-11-26T08:00:00.000Z",
        }


@pytest.fixture
def shopify() -> ShopifyHelper:
    return ShopifyHelper()
