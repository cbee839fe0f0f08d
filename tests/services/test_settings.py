"""Shop settings: defaults, validation with clear messages, storage, and the per-shop sync schedule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from xsight.errors import BadRequest
from xsight.extensions import db
from xsight.models import Shop
from xsight.services import settings

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_defaults_fill_missing_and_mistyped_values(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop(settings={"margin": "lots", "backfilled_at": "2026-01-01"})
    with app.app_context():
        values = settings.current(db.session.get(Shop, shop.id))  # type: ignore[arg-type]
    names = ("sync_interval_minutes", "margin", "monthly_discount_rate")
    assert [values[k] for k in names] == [15, 1.0, 0.01]
    assert values["limits"]["sync_interval_minutes"][0] == 15


def test_update_stores_values_and_keeps_other_keys(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop(settings={"backfilled_at": "2026-01-01"})
    with app.app_context():
        row = db.session.get(Shop, shop.id)
        assert row is not None
        values, changed = settings.update(row, {"margin": 0.4, "sync_interval_minutes": 60})
        assert changed and values["margin"] == 0.4 and values["sync_interval_minutes"] == 60
        _, changed_again = settings.update(row, {"margin": 0.4})
        assert not changed_again
        _, schedule_only = settings.update(row, {"sync_interval_minutes": 120})
        assert not schedule_only
        db.session.expire_all()
        stored = db.session.get(Shop, shop.id).settings  # type: ignore[union-attr]
    assert stored == {"backfilled_at": "2026-01-01", "margin": 0.4, "sync_interval_minutes": 120}


@pytest.mark.parametrize(("changes", "needle"), [
    ({}, "JSON object"),
    ([1, 2], "JSON object"),
    ({"colour": "red"}, "Unknown setting colour"),
    ({"sync_interval_minutes": 7}, "one of 15, 30"),
    ({"sync_interval_minutes": True}, "one of 15, 30"),
    ({"margin": 0}, "margin must be a number from 0.01 to 1.0"),
    ({"margin": 1.5}, "got 1.5"),
    ({"margin": "0.3"}, "got '0.3'"),
    ({"monthly_discount_rate": -0.01}, "monthly_discount_rate must be a number from 0.0 to 0.2"),
    ({"monthly_discount_rate": None}, "monthly_discount_rate"),
])
def test_update_rejects_bad_values(app: Flask, make_shop: Callable[..., Shop], changes: Any,
                                   needle: str) -> None:
    shop = make_shop(settings={"margin": 0.5})
    with app.app_context():
        row = db.session.get(Shop, shop.id)
        with pytest.raises(BadRequest, match=needle):
            settings.update(row, changes)  # type: ignore[arg-type]
        db.session.rollback()
        assert db.session.get(Shop, shop.id).settings == {"margin": 0.5}  # type: ignore[union-attr]


def test_sync_due_follows_the_shop_interval(app: Flask, make_shop: Callable[..., Shop]) -> None:
    own = make_shop(settings={"sync_interval_minutes": 60})
    default = make_shop(settings={})
    with app.app_context():
        hourly = db.session.get(Shop, own.id)
        every_tick = db.session.get(Shop, default.id)
        assert settings.sync_due(hourly, None, NOW)  # type: ignore[arg-type]
        assert not settings.sync_due(hourly, NOW - timedelta(minutes=30), NOW)  # type: ignore[arg-type]
        assert settings.sync_due(hourly, NOW - timedelta(minutes=59), NOW)  # type: ignore[arg-type]
        assert settings.sync_due(every_tick, NOW - timedelta(minutes=1), NOW)  # type: ignore[arg-type]
