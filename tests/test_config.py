"""Settings: production refuses bad secrets, development generates them once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xsight.config import load_settings, new_encryption_key
from xsight.errors import ConfigurationError


def test_production_lists_every_missing_or_placeholder_secret(tmp_path: Path) -> None:
    env = {
        "XSIGHT_ENV": "production",
        "INSTANCE_PATH": str(tmp_path),
        "SHOPIFY_API_KEY": "changeme",
        "APP_URL": "https://app.example.com",
    }
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ=env)
    problems = info.value.problems
    assert "SHOPIFY_API_KEY is a placeholder; set it to a real value in the environment." in problems
    assert any(p.startswith("SHOPIFY_API_SECRET is missing") for p in problems)
    assert any(p.startswith("ENCRYPTION_KEY is missing") for p in problems)
    assert any(p.startswith("SECRET_KEY is missing") for p in problems)
    assert len(problems) == 4
    assert not (tmp_path / "dev-secrets.json").exists()


def test_production_rejects_a_malformed_key_and_plain_http(tmp_path: Path) -> None:
    env = {
        "XSIGHT_ENV": "production",
        "INSTANCE_PATH": str(tmp_path),
        "SHOPIFY_API_KEY": "k" * 32,
        "SHOPIFY_API_SECRET": "s" * 32,
        "SECRET_KEY": "x" * 32,
        "ENCRYPTION_KEY": "too-short",
        "APP_URL": "http://app.example.com",
    }
    with pytest.raises(ConfigurationError) as info:
        load_settings(environ=env)
    text = str(info.value)
    assert "ENCRYPTION_KEY must be 32 bytes" in text
    assert "APP_URL must be an https:// URL" in text


def test_production_accepts_complete_settings(tmp_path: Path) -> None:
    env = {
        "XSIGHT_ENV": "production",
        "INSTANCE_PATH": str(tmp_path),
        "SHOPIFY_API_KEY": "k" * 32,
        "SHOPIFY_API_SECRET": "s" * 32,
        "SECRET_KEY": "x" * 32,
        "ENCRYPTION_KEY": new_encryption_key(),
        "APP_URL": "https://app.example.com",
        "DATABASE_URL": "postgres://u@db/xsight",
        "REDIS_URL": "redis://cache:6379/0",
    }
    settings = load_settings(environ=env)
    assert settings.database_uri == "postgresql+psycopg://u@db/xsight"
    assert not settings.embedded


def test_development_generates_secrets_once_and_reuses_them(tmp_path: Path) -> None:
    env = {"XSIGHT_ENV": "development", "INSTANCE_PATH": str(tmp_path)}
    first = load_settings(environ=env)
    second = load_settings(environ=env)
    assert first.SHOPIFY_API_SECRET and first.ENCRYPTION_KEY and first.SECRET_KEY
    assert first.SHOPIFY_API_SECRET == second.SHOPIFY_API_SECRET
    assert first.ENCRYPTION_KEY == second.ENCRYPTION_KEY
    stored = json.loads((tmp_path / "dev-secrets.json").read_text())
    assert stored["SHOPIFY_API_KEY"] == first.SHOPIFY_API_KEY
    assert (tmp_path / "dev-secrets.json").stat().st_mode & 0o077 == 0
    assert first.embedded
    assert first.database_uri == f"sqlite:///{tmp_path / 'xsight.sqlite3'}"


def test_environment_values_win_over_generated_ones(tmp_path: Path) -> None:
    env = {"XSIGHT_ENV": "development", "INSTANCE_PATH": str(tmp_path),
           "SHOPIFY_API_SECRET": "from-env"}
    assert load_settings(environ=env).SHOPIFY_API_SECRET == "from-env"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"XSIGHT_ENV": "staging"}, "XSIGHT_ENV must be one of"),
        ({"XSIGHT_ENV": "test", "RATE_LIMIT_BURST": "lots"}, "RATE_LIMIT_BURST must be a whole"),
    ],
)
def test_invalid_values_are_named(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_settings(environ={**env, "INSTANCE_PATH": str(tmp_path)})
