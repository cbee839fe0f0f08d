"""Wire the store's parts together: storage, tokens, throttle, bulk, webhooks, activity."""

from __future__ import annotations

import random
import shutil
import threading
from collections.abc import Sequence
from typing import Any, TypeVar

from .activity import Activity
from .bulk import BulkRunner
from .config import StoreConfig
from .mutate import Mutator
from .registry import Ctx
from .storage import Storage
from .throttle import Throttle
from .tokens import Tokens
from .webhooks import WebhookSender

MYSHOPIFY = ".myshopify.com"
T = TypeVar("T")


class StoreServices:
    """Everything one store process shares between requests and background threads."""

    def __init__(self, config: StoreConfig, storage: Storage) -> None:
        self.config, self.storage = config, storage
        self.throttle = Throttle()
        self.tokens = Tokens(storage, config)
        self._rng = random.Random(config.seed)
        self._rng_lock = threading.Lock()
        self.webhooks = WebhookSender(self)
        self.mutate = Mutator(self)
        self.bulk = BulkRunner(self)
        self.activity = Activity(self)

    def chance(self, probability: float) -> bool:
        """Return True with the given probability (seeded, thread-safe)."""
        if probability <= 0:
            return False
        with self._rng_lock:
            return self._rng.random() < probability

    def pick(self, options: Sequence[T]) -> T:
        """Return one of the options (seeded, thread-safe)."""
        with self._rng_lock:
            return options[self._rng.randrange(len(options))]

    def shop_for_host(self, host: str) -> str | None:
        """Map a Host header to a shop domain: `{name}.myshopify.com`, else the default shop."""
        name = host.split(":", 1)[0].lower()
        if name.endswith(MYSHOPIFY):
            return name if self.storage.shop_row(name) is not None else None
        return self.config.default_shop if self.storage.shop_row(self.config.default_shop) else None

    def restore_rate(self, shop: str) -> float:
        """Return the shop plan's restore rate in points per second."""
        row = self.storage.shop_row(shop)
        return float(row[1]["restoreRate"]) if row else 100.0

    def ctx(self, shop: str) -> Ctx:
        """Return a fresh resolver context for a shop."""
        row = self.storage.shop_row(shop)
        if row is None:
            raise LookupError(f"Shop {shop} is not in this store ({self.storage.path}).")
        return Ctx(self.storage, shop, row[0], row[1], services=self)

    def start(self) -> None:
        """Start the background threads."""
        self.webhooks.start()
        if self.config.activity_rate > 0:
            self.activity.set_rate(self.config.activity_rate)

    def stop(self) -> None:
        """Stop background threads and close the database."""
        self.activity.set_rate(0)
        self.bulk.stop()
        self.webhooks.stop()
        self.storage.close()
        if self.config.temp_dir:
            shutil.rmtree(self.config.temp_dir, ignore_errors=True)

    def describe(self) -> dict[str, Any]:
        """Return the settings a test or the demo needs (no secrets beyond the local dev ones)."""
        c = self.config
        return {
            "base_url": c.base_url,
            "default_shop": c.default_shop,
            "shops": self.storage.shop_domains(),
            "api_key": c.api_key,
            "app_url": c.app_url,
            "api_version": c.api_version,
            "activity_rate": self.activity.rate,
            "faults": c.faults.to_dict(),
        }
