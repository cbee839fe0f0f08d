"""Settings read once from the environment, validated in one place."""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from xsight.errors import ConfigurationError

ENVIRONMENTS = ("development", "production", "test")
DEFAULT_API_VERSION = "2026-04"
# Values that mean "nobody set this": refused outside development.
PLACEHOLDERS = frozenset(
    {"", "changeme", "change-me", "secret", "placeholder", "xxx", "todo", "your-secret-here"}
)
SECRET_KEYS = ("SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "ENCRYPTION_KEY", "SECRET_KEY")
# 32 random bytes, urlsafe base64: the AES-256-GCM key format.
ENCRYPTION_KEY_BYTES = 32


def project_root() -> Path:
    """Return the repository root (the folder that holds `xsight/`)."""
    return Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Every setting XSight reads, with its default."""

    XSIGHT_ENV: str = "development"
    INSTANCE_PATH: str = field(default_factory=lambda: str(project_root() / "instance"))
    DATABASE_URL: str = ""
    REDIS_URL: str = ""
    SHOPIFY_API_KEY: str = ""
    SHOPIFY_API_SECRET: str = ""
    SHOPIFY_API_SECRET_PREVIOUS: str = ""
    ENCRYPTION_KEY: str = ""
    # Comma-separated older keys, still accepted for decryption while rotating.
    ENCRYPTION_KEY_PREVIOUS: str = ""
    SECRET_KEY: str = ""
    SHOPIFY_API_VERSION: str = DEFAULT_API_VERSION
    APP_URL: str = "http://127.0.0.1:5000"
    SHOPIFY_SCOPES: str = "read_customers,read_orders,read_all_orders,read_products,write_customers"
    # Route https://{shop}.myshopify.com to this base URL (the simulated store). Empty in production.
    SHOPIFY_STORE_URL_OVERRIDE: str = ""
    RATE_LIMIT_PER_SECOND: float = 10.0
    RATE_LIMIT_BURST: int = 40
    ACCESS_LOG_RETENTION_DAYS: int = 365
    # Processed webhook deliveries and finished sync runs are deleted after these many days.
    WEBHOOK_RETENTION_DAYS: int = 30
    SYNC_RUN_RETENTION_DAYS: int = 90
    LOG_LEVEL: str = "INFO"
    # "json" (one object per line) or "human"; empty: json in production, human otherwise.
    LOG_FORMAT: str = ""
    # Bearer token that /metrics requires; empty: /metrics answers loopback callers only.
    METRICS_TOKEN: str = ""
    SENTRY_DSN: str = ""
    SENTRY_RELEASE: str = ""
    SYNC_INTERVAL_MINUTES: int = 15

    @property
    def embedded(self) -> bool:
        """Return True when no Redis is configured (single-process default)."""
        return not self.REDIS_URL

    @property
    def database_uri(self) -> str:
        """Return the SQLAlchemy URL, defaulting to a SQLite file in the instance folder."""
        if self.DATABASE_URL:
            url = self.DATABASE_URL
            if url.startswith("postgres://"):
                url = "postgresql://" + url[len("postgres://") :]
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://") :]
            return url
        return f"sqlite:///{Path(self.INSTANCE_PATH) / 'xsight.sqlite3'}"

    @property
    def secrets_file(self) -> Path:
        """Return where development secrets are kept."""
        return Path(self.INSTANCE_PATH) / "dev-secrets.json"


def _coerce(name: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigurationError([f"{name} must be a whole number, got {raw!r}."]) from None
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise ConfigurationError([f"{name} must be a number, got {raw!r}."]) from None
    return raw


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Read settings from the environment, fill development secrets, and validate."""
    env = os.environ if environ is None else environ
    base = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name in env:
            values[f.name] = _coerce(f.name, env[f.name], getattr(base, f.name))
    values.update(overrides)
    settings = replace(base, **values)
    if settings.XSIGHT_ENV not in ENVIRONMENTS:
        raise ConfigurationError(
            [f"XSIGHT_ENV must be one of {', '.join(ENVIRONMENTS)}, got {settings.XSIGHT_ENV!r}."]
        )
    if settings.XSIGHT_ENV == "development":
        settings = _fill_development_secrets(settings)
    validate(settings)
    return settings


def validate(settings: Settings) -> None:
    """Raise one ConfigurationError listing every problem with these settings."""
    problems: list[str] = []
    strict = settings.XSIGHT_ENV == "production"
    for key in SECRET_KEYS:
        value = getattr(settings, key)
        if strict and value.strip().lower() in PLACEHOLDERS:
            state = "is missing" if not value else "is a placeholder"
            problems.append(f"{key} {state}; set it to a real value in the environment.")
    for old in filter(None, settings.ENCRYPTION_KEY_PREVIOUS.split(",")):
        if not _valid_encryption_key(old.strip()):
            problems.append("ENCRYPTION_KEY_PREVIOUS holds a key that is not 32 bytes of urlsafe base64.")
    if settings.ENCRYPTION_KEY and not _valid_encryption_key(settings.ENCRYPTION_KEY):
        problems.append(
            "ENCRYPTION_KEY must be 32 bytes in urlsafe base64; make one with "
            "`python -c 'from xsight.config import new_encryption_key as k; print(k())'`."
        )
    if strict and not settings.APP_URL.startswith("https://"):
        problems.append(f"APP_URL must be an https:// URL in production, got {settings.APP_URL!r}.")
    if strict and settings.SHOPIFY_STORE_URL_OVERRIDE:
        problems.append("SHOPIFY_STORE_URL_OVERRIDE must be empty in production.")
    problems.extend(_operations_problems(settings))
    if problems:
        raise ConfigurationError(problems)


# Shopify retries a failed webhook for up to 48 hours; a delivery record must outlive that so a late
# retry is still recognised as a duplicate.
MIN_WEBHOOK_RETENTION_DAYS = 3
LOG_FORMATS = ("", "json", "human")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _operations_problems(settings: Settings) -> list[str]:
    problems: list[str] = []
    if settings.LOG_FORMAT not in LOG_FORMATS:
        problems.append(f"LOG_FORMAT must be json or human, got {settings.LOG_FORMAT!r}.")
    if settings.LOG_LEVEL.upper() not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {settings.LOG_LEVEL!r}.")
    if settings.WEBHOOK_RETENTION_DAYS < MIN_WEBHOOK_RETENTION_DAYS:
        problems.append(f"WEBHOOK_RETENTION_DAYS must be at least {MIN_WEBHOOK_RETENTION_DAYS} (Shopify "
                        f"retries deliveries for 48 hours), got {settings.WEBHOOK_RETENTION_DAYS}.")
    for key in ("SYNC_RUN_RETENTION_DAYS", "ACCESS_LOG_RETENTION_DAYS"):
        if getattr(settings, key) < 1:
            problems.append(f"{key} must be at least 1 day, got {getattr(settings, key)}.")
    if settings.METRICS_TOKEN and settings.METRICS_TOKEN.strip().lower() in PLACEHOLDERS:
        problems.append("METRICS_TOKEN is a placeholder; set a long random value or leave it empty.")
    return problems


def _valid_encryption_key(value: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(value.encode())) == ENCRYPTION_KEY_BYTES
    except ValueError:
        return False


def new_encryption_key() -> str:
    """Return a fresh AES-256 key in urlsafe base64."""
    return base64.urlsafe_b64encode(secrets.token_bytes(ENCRYPTION_KEY_BYTES)).decode()


def _fill_development_secrets(settings: Settings) -> Settings:
    """Generate missing development secrets once and reuse them on later starts."""
    path = settings.secrets_file
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text())
    generated = {
        "SHOPIFY_API_KEY": lambda: "xsight-dev-" + secrets.token_hex(8),
        "SHOPIFY_API_SECRET": lambda: secrets.token_hex(32),
        "ENCRYPTION_KEY": new_encryption_key,
        "SECRET_KEY": lambda: secrets.token_hex(32),
    }
    changed = False
    for key, make in generated.items():
        if key not in stored:
            stored[key] = make()
            changed = True
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored, indent=2))
        path.chmod(0o600)
    missing: dict[str, Any] = {k: stored[k] for k in generated if not getattr(settings, k)}
    return replace(settings, **missing)
