"""A customers/update webhook that changes a customer leaves a names-only event on its timeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select

from tests.services.test_apply import customer_payload, run
from xsight.extensions import db
from xsight.models import CustomerEvent, Shop


def events(app: Flask) -> list[tuple[str, dict[str, Any]]]:
    with app.app_context():
        found = db.session.scalars(select(CustomerEvent).order_by(CustomerEvent.id))
        return [(e.kind, e.data) for e in found]


def test_update_records_changed_field_names_and_tag_moves(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    run(app, shop.id, "customers/create", customer_payload("2026-01-01T00:00:00Z"))
    assert events(app) == []  # a creation is not an update
    changed = customer_payload("2026-01-02T00:00:00Z", first="Augusta") | {
        "email": "augusta@example.com", "tags": "vip, newsletter"}
    run(app, shop.id, "customers/update", changed)
    assert events(app) == [("customer_updated", {"fields": ["first_name", "email", "tags"],
                                                 "tags_added": ["newsletter"], "tags_removed": []})]
    stored = str(events(app))
    assert "Augusta" not in stored and "augusta@example.com" not in stored


def test_update_that_changes_nothing_records_nothing(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    run(app, shop.id, "customers/create", customer_payload("2026-01-01T00:00:00Z"))
    run(app, shop.id, "customers/update", customer_payload("2026-01-02T00:00:00Z"))  # newer, same values
    run(app, shop.id, "customers/update", customer_payload("2025-12-31T00:00:00Z", first="Old"))  # stale
    assert events(app) == []


def test_update_before_create_is_not_an_event(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    run(app, shop.id, "customers/update", customer_payload("2026-01-02T00:00:00Z"))
    run(app, shop.id, "customers/update", customer_payload("2026-01-03T00:00:00Z", first="Eve"))
    assert events(app) == [("customer_updated", {"fields": ["first_name"]})]
