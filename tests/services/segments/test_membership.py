"""Segment CRUD, membership refresh with entry/exit times and count history, templates, triggers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.services.segments.population import NOW
from xsight.errors import BadRequest, NotFound
from xsight.extensions import db
from xsight.models import Customer, CustomerStats, Segment, SegmentMembership, Shop
from xsight.services.crm import facts
from xsight.services.segments import membership, store, templates
from xsight.services.segments.text import QuerySyntaxError


def _customer(shop_id: int, n: int, spent: int | None) -> int:
    c = Customer(shop_id=shop_id, shopify_gid=f"gid://shopify/Customer/{n}", email=f"{n}@x.io")
    db.session.add(c)
    db.session.flush()
    if spent is not None:
        db.session.add(CustomerStats(shop_id=shop_id, customer_key=c.shopify_gid, first_order_gid="o",
                                     first_order_at=NOW, first_order_date=NOW.date(), last_order_at=NOW,
                                     last_order_date=NOW.date(), lifetime_orders=1, gross_sales=spent,
                                     discounts=0, returns=0, net_sales=spent, avg_net_order_value=spent))
    facts.rebuild(db.session, shop_id)
    db.session.commit()
    return c.id


def _spend(customer_id: int, minor: int) -> None:
    c = db.session.get(Customer, customer_id)
    stats = db.session.scalars(select(CustomerStats).where(CustomerStats.customer_key == c.shopify_gid)).one()
    stats.net_sales = minor
    facts.refresh(db.session, c.shop_id, [c.shopify_gid])
    db.session.commit()


@pytest.fixture
def shop(app: Flask, make_shop: Any) -> Any:
    made = make_shop()
    with app.app_context():
        yield db.session.get(Shop, made.id)


def test_refresh_records_entries_exits_and_history(app: Flask, shop: Shop) -> None:
    a, b, c = (_customer(shop.id, n, spent) for n, spent in ((1, 2_000_000), (2, 500_000), (3, None)))
    segment = store.create(shop, {"name": "Big spenders", "query": "amount_spent >= 100"})
    assert segment.slug == "big-spenders"
    assert membership.refresh(segment.id, NOW) == {"entered": 1, "left": 0, "count": 1}
    _spend(a, 10_000)
    _spend(b, 1_500_000)
    later = NOW + timedelta(hours=1)
    assert membership.refresh(segment.id, later) == {"entered": 1, "left": 1, "count": 1}
    assert membership.refresh(segment.id, later + timedelta(hours=1)) == {"entered": 0, "left": 0, "count": 1}
    rows = db.session.execute(select(SegmentMembership.customer_id, SegmentMembership.entered_at,
                                     SegmentMembership.left_at).order_by(SegmentMembership.id)).all()
    assert rows == [(a, NOW, later), (b, later, None)]
    assert c not in {r[0] for r in rows}
    segment = db.session.get(Segment, segment.id)
    assert segment.member_count == 1
    assert [p["count"] for p in segment.count_history] == [1, 1, 1]


def test_a_customer_who_comes_back_gets_a_new_stay(app: Flask, shop: Shop) -> None:
    a = _customer(shop.id, 1, 2_000_000)
    rule = {"field": "amount_spent", "op": ">=", "value": 100}
    segment = store.create(shop, {"name": "Big", "rules": rule})
    membership.refresh(segment.id, NOW)
    _spend(a, 0)
    membership.refresh(segment.id, NOW + timedelta(hours=1))
    _spend(a, 2_000_000)
    membership.refresh(segment.id, NOW + timedelta(hours=2))
    stays = db.session.scalars(select(SegmentMembership.left_at).order_by(SegmentMembership.id)).all()
    assert stays == [NOW + timedelta(hours=1), None]


def test_only_segments_reading_touched_fields_refresh(app: Flask, shop: Shop) -> None:
    spend = store.create(shop, {"name": "Spend", "query": "amount_spent > 1"})
    risk = store.create(shop, {"name": "Risk", "query": "churn_risk = 'high'"})
    recent = store.create(shop, {"name": "Recent", "query": "p_alive > 0.5 AND first_order_date > -30d"})
    from xsight.services.segments.query import PREDICTION_FIELDS, SYNC_FIELDS
    assert membership.segments_to_refresh(shop.id, SYNC_FIELDS) == [spend.id, recent.id]
    assert membership.segments_to_refresh(shop.id, PREDICTION_FIELDS) == [risk.id, recent.id]
    assert membership.segments_to_refresh(shop.id) == [spend.id, risk.id, recent.id]


def test_crud_validation_and_tenancy(app: Flask, shop: Shop, make_shop: Any) -> None:
    with pytest.raises(QuerySyntaxError):
        store.create(shop, {"name": "Bad", "query": "amount_spent >"})
    with pytest.raises(BadRequest, match="name must be"):
        store.create(shop, {"name": " ", "query": ""})
    first = store.create(shop, {"name": "Same name", "query": ""})
    second = store.create(shop, {"name": "Same name", "query": ""})
    assert (first.slug, second.slug) == ("same-name", "same-name-2")
    updated = store.update(shop, first.id, {"name": "Renamed", "query": "number_of_orders >= 2",
                                             "tag_writeback": True})
    assert (updated.name, updated.slug, updated.tag_writeback) == ("Renamed", "same-name", True)
    assert store.to_json(updated)["query"] == "number_of_orders >= 2"
    assert store.to_json(updated)["tag"] == "xsight-same-name"
    other = db.session.get(Shop, make_shop().id)
    with pytest.raises(NotFound):
        store.get(other, first.id)
    store.delete(shop, first.id)
    with pytest.raises(NotFound):
        store.get(shop, first.id)


def test_templates_parse_and_create(app: Flask, shop: Shop) -> None:
    made = [store.create(shop, {"template": t["key"]}) for t in templates.all_templates()]
    assert [s.name for s in made] == [t["name"] for t in templates.TEMPLATES]
    assert all(membership.refresh(s.id) is not None for s in made)
    with pytest.raises(BadRequest, match="Unknown template"):
        store.create(shop, {"template": "nope"})
