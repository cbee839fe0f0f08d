"""Hold the store's settings and its live fault knobs."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .generator import DEFAULT_SHOP

DEFAULT_API_KEY = "xsight-devstore-api-key"
DEFAULT_API_SECRET = "shpss_devstore0123456789abcdef01234567"  # noqa: S105  (local simulator only)
DEFAULT_SCOPES = "read_customers,write_customers,read_orders,read_all_orders,read_products"
ACCESS_TOKEN_TTL_S = 3600
REFRESH_TOKEN_TTL_S = 90 * 86_400  # Shopify: 7776000
AUTH_CODE_TTL_S = 600
ID_TOKEN_TTL_S = 60
BULK_URL_TTL_S = 7 * 86_400
API_VERSION = "2026-04"


@dataclass
class Faults:
    """Fault knobs; every rate is a probability in [0, 1]."""

    throttle_pressure: float = 0.0  # share of GraphQL calls answered THROTTLED whatever the bucket
    throttle_429_share: float = 0.0  # share of THROTTLED answers sent as HTTP 429 + Retry-After
    error_rate: float = 0.0  # share of calls answered 502/503/504
    latency_ms: float = 0.0  # added to every Admin API and OAuth call
    bulk_fail: float = 0.0  # share of bulk operations that end FAILED / INTERNAL_SERVER_ERROR
    webhook_drop: float = 0.0  # share of webhook events never delivered
    webhook_duplicate: float = 0.0  # share of deliveries sent twice (same X-Shopify-Webhook-Id)
    webhook_reorder: float = 0.0  # share of deliveries held back and sent after later ones

    def update(self, values: dict[str, Any]) -> None:
        """Set knobs from a dict, refusing unknown names and out-of-range rates."""
        names = {f.name for f in fields(self)}
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"Unknown fault knobs {sorted(unknown)}; known: {sorted(names)}.")
        for key, value in values.items():
            number = float(value)
            if key != "latency_ms" and not 0.0 <= number <= 1.0:
                raise ValueError(f"Fault {key} must be between 0 and 1, got {value!r}.")
            if number < 0:
                raise ValueError(f"Fault {key} must not be negative, got {value!r}.")
            setattr(self, key, number)

    def to_dict(self) -> dict[str, float]:
        """Return the knobs as a dict."""
        return asdict(self)


@dataclass
class StoreConfig:
    """Settings of one store process."""

    db_path: str = ""
    api_key: str = DEFAULT_API_KEY
    api_secret: str = DEFAULT_API_SECRET
    app_url: str | None = None
    base_url: str = "http://127.0.0.1:0"
    default_shop: str = DEFAULT_SHOP
    scopes: str = DEFAULT_SCOPES
    access_token_ttl: int = ACCESS_TOKEN_TTL_S
    refresh_token_ttl: int = REFRESH_TOKEN_TTL_S
    bulk_url_ttl: int = BULK_URL_TTL_S
    api_version: str = API_VERSION
    seed: int = 1
    activity_rate: float = 0.0
    webhook_tries: int = 8  # attempts per delivery before giving up (Shopify: 8 over 4 h)
    webhook_backoff_s: float = 0.05  # first retry delay; doubles per try (Shopify: over 4 h)
    webhook_timeout_s: float = 5.0
    webhook_queue: int = 10_000
    webhook_log_size: int = 5_000  # deliveries kept for /_devstore/webhooks (0 = all; soak runs)
    bulk_dir: str = ""
    temp_dir: str = ""  # set when the store made its own temp directory; removed on stop
    faults: Faults = field(default_factory=Faults)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
