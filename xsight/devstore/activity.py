"""Keep the store busy: orders, refunds, cancellations and customer updates at a set rate."""

from __future__ import annotations

import logging
import random
import threading
from typing import Any

log = logging.getLogger(__name__)
# action -> weight; new orders dominate like in a real shop
ACTIONS = (
    ("order", 0.45),
    ("order_new_customer", 0.15),
    ("refund", 0.12),
    ("cancel", 0.05),
    ("customer_update", 0.17),
    ("product_update", 0.04),
    ("product_create", 0.02),
)


class Activity:
    """Run store actions from a background thread at `rate` actions per second (0 = stopped)."""

    def __init__(self, services: Any) -> None:
        self.svc = services
        self.rate = 0.0
        self.counts: dict[str, int] = {name: 0 for name, _ in ACTIONS}
        self._rng = random.Random(services.config.seed + 7)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def set_rate(self, rate: float) -> None:
        """Start, retune or stop (rate 0) the activity thread."""
        if rate < 0:
            raise ValueError(f"Activity rate must be >= 0 actions/s, got {rate}.")
        stopped = None
        with self._lock:
            self.rate = rate
            if rate > 0 and self._thread is None:
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="devstore-activity", daemon=True)
                self._thread.start()
            elif rate == 0 and self._thread is not None:
                self._stop.set()
                stopped, self._thread = self._thread, None
        if stopped is not None:
            stopped.join(timeout=10)

    def step(self, shop: str | None = None, action: str | None = None) -> str:
        """Perform one action now (a random one by default) and return its name."""
        shop = shop or self.svc.config.default_shop
        if action is None:
            names, weights = zip(*ACTIONS, strict=True)
            action = self._rng.choices(names, weights=weights)[0]
        m = self.svc.mutate
        handlers = {
            "order": lambda: m.create_order(shop),
            "order_new_customer": lambda: m.create_order(shop, True),
            "refund": lambda: m.refund(shop, full=self._rng.random() < 0.3),
            "cancel": lambda: m.cancel(shop),
            "customer_update": lambda: m.update_customer(shop),
            "product_update": lambda: m.update_product(shop),
            "product_create": lambda: m.create_product(shop),
        }
        if action not in handlers:
            raise ValueError(f"Unknown activity action {action!r}; use one of {sorted(handlers)}.")
        handlers[action]()
        self.counts[action] += 1
        return action

    def _run(self) -> None:
        while not self._stop.wait(1.0 / max(self.rate, 1e-3)):
            for shop in self.svc.storage.shop_domains():
                try:
                    self.step(shop)
                except Exception:  # one failed action must not stop the store's activity
                    log.exception("devstore activity step failed for %s", shop)
