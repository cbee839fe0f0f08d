"""The customer_facts table always equals its recomputation from customers, rollups and predictions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select

from tests.services.test_apply import customer_payload, order_payload, run
from xsight.extensions import db
from xsight.models import CustomerFacts, CustomerFactTag, Shop
from xsight.services.crm import facts, totals
from xsight.tasks.analytics import recompute_insights


def table_rows(shop_id: int) -> list[tuple[Any, ...]]:
    t = CustomerFacts.__table__
    rows = db.session.execute(select(*(t.c[c] for c in facts.COLUMNS)).where(t.c.shop_id == shop_id)
                              .order_by(t.c.customer_id)).all()
    return [tuple(r) for r in rows]


def source_rows(shop_id: int) -> list[tuple[Any, ...]]:
    src = facts.source(shop_id).subquery()
    return [tuple(r) for r in db.session.execute(select(*(src.c[c] for c in facts.COLUMNS))
                                                 .order_by(src.c.customer_id)).all()]


def tag_rows(shop_id: int) -> set[tuple[int, str, str]]:
    t = CustomerFactTag.__table__
    rows = db.session.execute(select(t.c.customer_id, t.c.tag, t.c.tag_key).where(t.c.shop_id == shop_id))
    return {tuple(r) for r in rows}  # type: ignore[misc]


def expected_tags(shop_id: int) -> set[tuple[int, str, str]]:
    """Every (customer, tag, ASCII-lower-cased tag) of the source rows, computed in Python."""
    lower = {chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}
    tags_at = facts.COLUMNS.index("customer_tags")
    return {(row[0], tag, "".join(lower.get(ch, ch) for ch in tag))
            for row in source_rows(shop_id) for tag in row[tags_at]}


def assert_equal(app: Flask, shop_id: int, expected_customers: int) -> None:
    with app.app_context():
        rows = table_rows(shop_id)
        assert rows == source_rows(shop_id)
        assert len(rows) == expected_customers
        assert tag_rows(shop_id) == expected_tags(shop_id)


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
    with app.app_context():
        token = totals.version(db.session, shop.id)
    run(app, shop.id, "customers/update", customer_payload("2026-01-04T00:00:00Z", first="Grace")
        | {"tags": "vip, Wholesale, CAFÉ"})
    assert_equal(app, shop.id, 1)
    with app.app_context():
        assert token is not None and totals.version(db.session, shop.id) not in (None, token)
        assert {tag for _, tag, _ in tag_rows(shop.id)} == {"vip", "Wholesale", "CAFÉ"}
        assert table_rows(shop.id)[0][facts.COLUMNS.index("name_key")] == "grace l"
    run(app, shop.id, "orders/delete", {"id": 1002})
    assert_equal(app, shop.id, 1)
    run(app, other.id, "customers/create", customer_payload("2026-01-01T00:00:00Z"))
    with app.app_context():
        assert recompute_insights.call_local(shop.id) in ("succeeded", "not_enough_data")
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
        tags = tag_rows(shop.id)
        assert tags == expected_tags(shop.id) and tags
        db.session.execute(CustomerFacts.__table__.delete())
        gids = [r[1] for r in before]
        facts.refresh(db.session, shop.id, [*gids, "email:someone@example.com"])
        assert table_rows(shop.id) == before == source_rows(shop.id)
        assert tag_rows(shop.id) == tags  # the orphaned tag rows were replaced, not doubled


def test_refresh_predictions_matches_a_rebuild(app: Flask, make_shop: Callable[..., Shop]) -> None:
    import random

    from tests.services.segments import population
    from xsight.models import CustomerPrediction

    shop = make_shop(iana_timezone="UTC")
    with app.app_context():
        population.build(random.Random(5), shop.id, 60)
        rows = db.session.scalars(select(CustomerPrediction)).all()
        for n, p in enumerate(rows):  # a new model run: other groups and scores, some rows gone
            if n % 4 == 0:
                db.session.delete(p)
            else:
                p.rfm_group, p.p_alive, p.r = "AT_RISK", 0.125 * (n % 8), 1 + n % 5
        db.session.commit()
        assert table_rows(shop.id) != source_rows(shop.id)
        token = totals.version(db.session, shop.id)
        facts.refresh_predictions(db.session, shop.id)
        assert table_rows(shop.id) == source_rows(shop.id)
        assert totals.version(db.session, shop.id) != token
