"""Fixtures: an app per test on SQLite (or DATABASE_URL), a client, a shop factory."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from xsight import create_app
from xsight.config import Settings, load_settings, new_encryption_key
from xsight.extensions import db
from xsight.models import Shop

TEST_API_KEY = "test-api-key"
TEST_API_SECRET = "test-api-secret-0123456789abcdef"
TEST_PREVIOUS_SECRET = "test-previous-secret-fedcba9876543210"
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


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
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
