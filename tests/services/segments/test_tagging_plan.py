"""Which customers a tag write-back run adds the tag to and removes it from, read in SQL."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.services.segments.population import NOW
from xsight.extensions import db
from xsight.models import Customer, CustomerStats, Shop
from xsight.models.types import utcnow
from xsight.services.crm import facts
from xsight.services.segments import membership, store, tagging


def _customer(shop_id: int, n: int, tags: list[str], spent: int | None, deleted: bool = False) -> int:
    gid = f"gid://shopify/Customer/{shop_id}-{n}"
    c = Customer(shop_id=shop_id, shopify_gid=gid, email=f"{shop_id}-{n}@x.io", tags=tags,
                 deleted_at=utcnow() if deleted else None)
    db.session.add(c)
    db.session.flush()
    if spent is not None:
        db.session.add(CustomerStats(shop_id=shop_id, customer_key=gid, first_order_gid="o",
                                     first_order_at=NOW, first_order_date=NOW.date(), last_order_at=NOW,
                                     last_order_date=NOW.date(), lifetime_orders=1, gross_sales=spent,
                                     discounts=0, returns=0, net_sales=spent, avg_net_order_value=spent))
    return c.id


@pytest.fixture
def shops(app: Flask, make_shop: Any) -> Any:
    one, two = make_shop(), make_shop()
    with app.app_context():
        yield db.session.get(Shop, one.id), db.session.get(Shop, two.id)


def test_plan_adds_to_untagged_members_and_removes_from_tagged_leavers(app: Flask, shops: Any) -> None:
    shop, other = shops
    member_untagged = _customer(shop.id, 1, ["vip"], 2_000_000)
    member_tagged = _customer(shop.id, 2, ["XSight-Big"], 2_000_000)  # any case counts as tagged
    outsider_tagged = _customer(shop.id, 3, ["vip", "xsight-big"], 10_000)
    _customer(shop.id, 4, ["xsight-bigger"], 10_000)  # a longer tag is another tag
    _customer(shop.id, 5, ["xsight-big"], None, deleted=True)  # deleted customers are left alone
    _customer(other.id, 1, ["xsight-big"], 10_000)  # another shop's customer is never planned
    for s in (shop, other):
        facts.rebuild(db.session, s.id)
    db.session.commit()
    segment = store.create(shop, {"name": "Big", "query": "amount_spent >= 100", "tag_writeback": True})
    membership.refresh(segment.id, NOW)
    add, remove = tagging.plan(segment, "xsight-big")
    assert [cid for cid, _ in add] == [member_untagged]
    assert [cid for cid, _ in remove] == [outsider_tagged]
    assert member_tagged not in {cid for cid, _ in add + remove}
    assert add[0][1] == f"gid://shopify/Customer/{shop.id}-1"

    segment.tag_writeback = False  # opting out removes the tag from everyone who has it
    add, remove = tagging.plan(segment, "xsight-big")
    assert add == [] and [cid for cid, _ in remove] == [member_tagged, outsider_tagged]
