"""The customer_facts table always equals its recomputation from customers, rollups and predictions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select

from tests.services.test_apply import customer_payload, order_payload, run
from xsight.extensions import db
from xsight.models import CustomerFacts, Shop
from xsight.services import insights_recompute
from xsight.services.crm import facts


def table_rows(shop_id: int) -> list[tuple[Any, ...]]:
    t = CustomerFacts.__table__
    rows = db.session.execute(select(*(t.c[c] for c in facts.COLUMNS)).where(t.c.shop_id == shop_id)
                              .order_by(t.c.customer_id)).all()
    return [tuple(r) for r in rows]


def source_rows(shop_id: int) -> list[tuple[Any, ...]]:
    src = facts.source(shop_id).subquery()
    return [tuple(r) for r in db.session.execute(select(*(src.c[c] for c in facts.COLUMNS))
                                                 .order_by(src.c.customer_id)).all()]


def assert_equal(app: Flask, shop_id: int, expected_customers: int) -> None:
    with app.app_context():
        rows = table_rows(shop_id)
        assert rows == source_rows(shop_id)
        assert len(rows) == expected_customers


def test_facts_follow_every_write_path(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop(iana_timezone="UTC")
    other = make_shop(iana_timezone="UTC")
    run(app, shop.id, "customers/create", customer_payload("2026-01-01T00:00:00Z"))
    assert_equal(app, shop.id, 1)
    run(app, shop.id, "orders/create", order_payload("2026-01-02T00:00:00Z"))
    assert_equal(app, shop.id, 1)
    with app.app_context():
        assert table_rows(shop.id)[0][5:7] == (500_000, 1)  # amount_spent 50.00, one order
    later = order_payload("2026-01-03T00:00:00Z", total="80.00") | {"id": 1002, "name": "#1002"}
    run(app, shop.id, "orders/create", later)
    run(app, shop.id, "customers/update", customer_payload("2026-01-04T00:00:00Z", first="Grace")
        | {"tags": "vip, wholesale"})
    assert_equal(app, shop.id, 1)
    run(app, shop.id, "orders/delete", {"id": 1002})
    assert_equal(app, shop.id, 1)
    run(app, other.id, "customers/create", customer_payload("2026-01-01T00:00:00Z"))
    with app.app_context():
        assert insights_recompute.recompute(shop.id).status in ("succeeded", "not_enough_data")
    assert_equal(app, shop.id, 1)
    assert_equal(app, other.id, 1)
    run(app, shop.id, "customers/delete", {"id": 77})
    assert_equal(app, shop.id, 0)
    assert_equal(app, other.id, 1)


def test_rebuild_and_refresh_agree(app: Flask, make_shop: Callable[..., Shop]) -> None:
    import random

    from tests.services.segments import population

    shop = make_shop(iana_timezone="UTC")
    with app.app_context():
        population.build(random.Random(3), shop.id, 50)
        before = table_rows(shop.id)
        db.session.execute(CustomerFacts.__table__.delete())
        gids = [r[1] for r in before]
        facts.refresh(db.session, shop.id, [*gids, "email:someone@example.com"])
        assert table_rows(shop.id) == before == source_rows(shop.id)
