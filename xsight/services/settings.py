"""Read and change a shop's own settings: sync schedule and the economics of its CLV predictions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from xsight.errors import BadRequest
from xsight.extensions import db
from xsight.models import Shop

# The reconcile task ticks every SYNC_INTERVAL_MINUTES (15 by default); a shop may ask for less often.
SYNC_INTERVAL_CHOICES = (15, 30, 60, 120, 360, 720, 1440)
DEFAULTS: dict[str, float] = {"sync_interval_minutes": 15, "margin": 1.0, "monthly_discount_rate": 0.01}
# A margin is a share of revenue kept as profit; 0 would make every CLV zero.
MARGIN_RANGE = (0.01, 1.0)
# 20 % a month is already ~890 % a year; anything above is a typo for a yearly rate.
DISCOUNT_RANGE = (0.0, 0.2)
# Ticks and run creation are not instantaneous: a run started a little under one interval ago is due.
SCHEDULE_SLACK = timedelta(minutes=2)
ECONOMICS = ("margin", "monthly_discount_rate")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def current(shop: Shop) -> dict[str, Any]:
    """Return the shop's settings with their defaults filled in, and what each one allows."""
    stored = shop.settings or {}
    values = {}
    for name, default in DEFAULTS.items():
        number = _number(stored.get(name))
        values[name] = default if number is None else number
    values["sync_interval_minutes"] = int(values["sync_interval_minutes"])
    return {**values, "defaults": DEFAULTS,
            "limits": {"sync_interval_minutes": list(SYNC_INTERVAL_CHOICES),
                       "margin": list(MARGIN_RANGE), "monthly_discount_rate": list(DISCOUNT_RANGE)}}


def _check(name: str, value: Any) -> float | int:
    number = _number(value)
    if name == "sync_interval_minutes":
        if number is None or number not in SYNC_INTERVAL_CHOICES:
            allowed = ", ".join(str(c) for c in SYNC_INTERVAL_CHOICES)
            raise BadRequest(f"sync_interval_minutes must be one of {allowed} (minutes), got {value!r}.")
        return int(number)
    low, high = MARGIN_RANGE if name == "margin" else DISCOUNT_RANGE
    if number is None or not low <= number <= high:
        raise BadRequest(f"{name} must be a number from {low} to {high} (a fraction, 0.3 means 30%), "
                         f"got {value!r}.")
    return number


def update(shop: Shop, changes: Any) -> tuple[dict[str, Any], bool]:
    """Validate and store `changes`; return the new settings and whether the CLV economics changed."""
    if not isinstance(changes, dict) or not changes:
        raise BadRequest('Send a JSON object with the settings to change, like {"margin": 0.4}.')
    unknown = sorted(set(changes) - set(DEFAULTS))
    if unknown:
        raise BadRequest(f"Unknown setting {', '.join(unknown)}; the settings are {', '.join(DEFAULTS)}.")
    checked = {name: _check(name, value) for name, value in changes.items()}
    before = current(shop)
    # Reassign the whole dict: the JSON column does not track changes inside it.
    shop.settings = {**(shop.settings or {}), **checked}
    db.session.commit()
    return current(shop), any(before[k] != checked[k] for k in ECONOMICS if k in checked)


def sync_due(shop: Shop, last_started: datetime | None, now: datetime) -> bool:
    """Return True when the shop's own sync interval has passed since its last sync started."""
    if last_started is None or _number((shop.settings or {}).get("sync_interval_minutes")) is None:
        return True  # no interval of its own: every reconcile tick
    interval = timedelta(minutes=current(shop)["sync_interval_minutes"])
    return now - last_started >= interval - SCHEDULE_SLACK
