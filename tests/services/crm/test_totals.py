"""List totals are counted once per facts version and never outlive a write to the facts."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from bench.crm_data import build
from tests.blueprints.crm_helpers import get
from tests.conftest import ShopifyHelper
from tests.services.test_apply import customer_payload, run
from xsight.extensions import db
from xsight.models import Customer, Segment, SegmentMembership, Shop
from xsight.models.types import utcnow
from xsight.services.crm import facts, totals


def test_a_total_is_counted_once_per_version(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return 41 + len(calls)

    with app.app_context():
        assert totals.total(db.session, shop.id, "k", count) == 42  # no version yet: counted
        facts.rebuild(db.session, shop.id)
        db.session.commit()
        assert totals.total(db.session, shop.id, "k", count) == 43
        assert totals.total(db.session, shop.id, "k", count) == 43  # cached
        assert totals.total(db.session, shop.id, "other", count) == 44  # another filter
        assert totals.total(db.session, shop.id, None, count) == 45  # None: always counted
        facts.rebuild(db.session, shop.id)
        db.session.commit()
        assert totals.total(db.session, shop.id, "k", count) == 46  # new version
        assert len(calls) == 5


def test_a_rolled_back_write_leaves_no_total_behind(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        build(db.session, shop.id, 10, orders=False)
        before = totals.version(db.session, shop.id)
        gids = [f"gid://shopify/Customer/{n}" for n in (1, 2, 3)]
        db.session.execute(update(Customer).where(Customer.shopify_gid.in_(gids)).values(deleted_at=utcnow()))
        facts.refresh(db.session, shop.id, gids)
        assert totals.total(db.session, shop.id, "all", lambda: 7) == 7  # seen inside the write only
        db.session.rollback()
        assert totals.version(db.session, shop.id) == before
        assert totals.total(db.session, shop.id, "all", lambda: 10) == 10
        facts.rebuild(db.session, shop.id)  # the next version must not be the rolled-back one
        db.session.commit()
        assert totals.total(db.session, shop.id, "all", lambda: 10) == 10


def test_list_totals_follow_webhooks(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                     make_shop: Callable[..., Shop]) -> None:
    shop = make_shop(iana_timezone="UTC")
    with app.app_context():
        build(db.session, shop.id, 20, orders=False)  # 8 of 20 tagged vip
    url = "/api/v1/customers?tag=vip&limit=3"
    first = get(client, shopify, shop.domain, url).json
    assert first["total"] == 8
    assert get(client, shopify, shop.domain, url + f"&after={first['next_cursor']}").json["total"] == 8
    run(app, shop.id, "customers/create", customer_payload("2026-01-01T00:00:00Z"))  # tagged "vip"
    assert get(client, shopify, shop.domain, url).json["total"] == 9
    run(app, shop.id, "customers/update", customer_payload("2026-01-02T00:00:00Z") | {"tags": "VIP"})
    assert get(client, shopify, shop.domain, url).json["total"] == 8  # tag filters are exact
    run(app, shop.id, "customers/delete", {"id": 77})
    assert get(client, shopify, shop.domain, "/api/v1/customers").json["total"] == 20


def test_segment_filter_totals_follow_memberships(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                                  make_shop: Callable[..., Shop]) -> None:
    """Memberships change without a facts write, so a segment filter is counted every time."""
    shop = make_shop()
    with app.app_context():
        build(db.session, shop.id, 5, orders=False)
        segment = Segment(shop_id=shop.id, name="S", slug="s", rules={})
        db.session.add(segment)
        db.session.commit()
        segment_id = segment.id
    url = f"/api/v1/customers?segment_id={segment_id}"
    assert get(client, shopify, shop.domain, url).json["total"] == 0
    with app.app_context():
        customer_id = db.session.scalar(db.select(Customer.id).where(Customer.shop_id == shop.id).limit(1))
        db.session.add(SegmentMembership(shop_id=shop.id, segment_id=segment_id, customer_id=customer_id))
        db.session.commit()
    assert get(client, shopify, shop.domain, url).json["total"] == 1
