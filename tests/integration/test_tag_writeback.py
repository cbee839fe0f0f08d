"""Tag write-back against the simulated store: members tagged, leavers untagged, other tags kept."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from tests.integration.conftest import install, shop_id
from xsight.devstore.server import StoreHandle
from xsight.extensions import db
from xsight.models import CustomerEvent, SegmentMembership, SegmentTagRun, Shop
from xsight.services.segments import membership
from xsight.services.segments import store as segments
from xsight.services.shopify_client import client_for
from xsight.shopify.paginate import paginate
from xsight.tasks.segments import queue_tag_run


def store_tags(shop: Shop) -> dict[str, set[str]]:
    client = client_for(shop)
    return {node["id"]: set(node["tags"]) for page in paginate(client, "CustomersPage", "customers",
                                                                page_size=50) for node in page.nodes}


def members(segment_id: int) -> set[str]:
    from xsight.models import Customer
    return set(db.session.scalars(select(Customer.shopify_gid).join(
        SegmentMembership, SegmentMembership.customer_id == Customer.id).where(
        SegmentMembership.segment_id == segment_id, SegmentMembership.left_at.is_(None))))


def last_run(segment_id: int) -> dict[str, Any]:
    run = db.session.scalars(select(SegmentTagRun).where(SegmentTagRun.segment_id == segment_id)
                             .order_by(SegmentTagRun.id.desc())).first()
    return segments.tag_run_json(run)


def test_write_back_tags_members_then_untags_leavers(live_app: Flask, store: StoreHandle) -> None:
    assert install(live_app, store) == 200
    with live_app.app_context():
        shop = db.session.get(Shop, shop_id(live_app, store))
        before = store_tags(shop)
        segment = segments.create(shop, {"name": "Repeat buyers", "query": "number_of_orders >= 2",
                                         "tag_writeback": True})
        membership.refresh(segment.id)
        tag = "xsight-repeat-buyers"
        first = members(segment.id)
        assert 0 < len(first) < len(before)
        queue_tag_run(segment.id)
        run = last_run(segment.id)
        assert (run["status"], run["to_add"], run["added"], run["failed"]) == ("succeeded", len(first),
                                                                                len(first), 0)
        after = store_tags(shop)
        assert {gid for gid, tags in after.items() if tag in tags} == first
        assert all(after[gid] - {tag} == before[gid] for gid in before)  # other tags untouched

        queue_tag_run(segment.id)  # a rerun changes nothing
        rerun = last_run(segment.id)
        assert (rerun["status"], rerun["to_add"], rerun["to_remove"], rerun["added"]) == (
            "succeeded", 0, 0, 0)

        segments.update(shop, segment.id, {"query": "number_of_orders >= 3"})
        membership.refresh(segment.id)
        second = members(segment.id)
        leavers = first - second
        assert leavers and second <= first
        queue_tag_run(segment.id)
        run = last_run(segment.id)
        assert (run["to_add"], run["to_remove"], run["removed"]) == (0, len(leavers), len(leavers))
        final = store_tags(shop)
        assert {gid for gid, tags in final.items() if tag in tags} == second
        assert all(final[gid] - {tag} == before[gid] for gid in before)
        kinds = db.session.scalars(select(CustomerEvent.kind)).all()
        assert kinds.count("tags_added") == len(first) and kinds.count("tags_removed") == len(leavers)
