"""Customer ids by gid, read once: exact matches only, and a load's new orders linked through them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import POSTGRES
from tests.services.ingest.test_bulk_load import (
    CUSTOMERS,
    commit_then_webhook,
    record_copies,
    via_loader,
    via_writer,
)
from xsight.extensions import db
from xsight.models import Order, OrderLineItem, Shop
from xsight.services.ingest import bulk_load, gid_ids
from xsight.services.ingest.gid_ids import GidIds, number
from xsight.services.ingest.writer import link_orders_to_customers

PREFIX = "gid://shopify/Customer/"


def test_only_gids_of_the_prefix_with_plain_digits_have_a_number() -> None:
    assert number(f"{PREFIX}42", PREFIX) == 42
    assert number(f"{PREFIX}0", PREFIX) == 0
    for other in (f"{PREFIX}", f"{PREFIX}4x", f"{PREFIX}-4", f"{PREFIX}٤٢", f"{PREFIX}{'9' * 19}",
                  "gid://shopify/Order/42", None, 42, f"{PREFIX}42 ", f"{PREFIX}042"):
        assert number(other, PREFIX) is None, other


def test_lookups_find_exact_gids_and_nothing_else() -> None:
    ids = GidIds(PREFIX, np.array([30, 10, 20], dtype=np.int64), np.array([3, 1, 2], dtype=np.int64))
    gids = [f"{PREFIX}20", f"{PREFIX}10", f"{PREFIX}25", f"{PREFIX}31", f"{PREFIX}0", None, "junk",
            f"{PREFIX}30"]
    assert ids(gids) == [2, 1, None, None, None, None, None, 3]
    assert GidIds(PREFIX, np.array([], dtype=np.int64), np.array([], dtype=np.int64))(gids) == [None] * 8
    assert ids([]) == []
    assert ids(tuple(gids)) == [2, 1, None, None, None, None, None, 3]  # not a list: the Python path


TAILS = st.text("0123456789x-٤é ", max_size=20) | st.integers(0, 10**19).map(str)
HEADS = st.sampled_from([PREFIX, "gid://shopify/Order/", "", "gid://shopify/Customer"])
GIDS = (HEADS.flatmap(lambda head: TAILS.map(lambda tail: head + tail))
        | st.sampled_from([None, 42, f"{PREFIX}{'9' * 18}", f"{PREFIX}{'9' * 19}"]))


@pytest.mark.skipif(gid_ids.fast is None, reason="the C extension is not built")
@settings(max_examples=500, deadline=None)
@given(gids=st.lists(GIDS, max_size=30))
def test_numbers_made_in_c_are_the_python_ones(gids: list[Any]) -> None:
    made = np.frombuffer(gid_ids.fast.gid_numbers(gids, PREFIX), dtype=np.int64).tolist()
    assert made == [-1 if (found := number(gid, PREFIX)) is None else found for gid in gids]


ORDERS = [{"id": f"gid://shopify/Order/{n}", "createdAt": "2026-01-05T00:00:00Z",
           "updatedAt": "2026-01-05T00:00:00Z", "customer": {"id": f"{PREFIX}{customer}"}}
          for n, customer in ((1, 1), (2, 4), (3, 2), (4, 4))]


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's bulk loader copies new orders (decision 086)")
def test_new_orders_take_their_customer_ids_and_a_customer_stored_later_is_linked_afterwards(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop, other = make_shop(), make_shop()
    late = {"id": f"{PREFIX}4", "firstName": "Late", "updatedAt": "2026-01-01T00:00:00Z"}
    commit = commit_then_webhook(shop.id, "customers", late)  # customer 4, once the map was read

    with app.app_context():
        via_writer(other.id, "customers", CUSTOMERS)  # another shop's customer 1 is not ours
        via_loader(shop.id, "customers", CUSTOMERS)
        db.session.commit()
        raw = db.session.connection().connection.dbapi_connection
        read = GidIds.read(raw, "customers", shop.id, PREFIX)
        assert len(read) == len(CUSTOMERS)
        bulk_load.load(db.session, shop.id, "orders", copy.deepcopy(ORDERS), commit_every=1,
                       on_commit=commit)
        db.session.commit()

        def linked() -> dict[str, str | None]:
            return dict(db.session.execute(
                select(Order.shopify_gid, Order.customer_gid).where(Order.shop_id == shop.id,
                                                                    Order.customer_id.is_not(None))
                .order_by(Order.shopify_gid)).all())

        assert linked() == {"gid://shopify/Order/1": f"{PREFIX}1", "gid://shopify/Order/3": f"{PREFIX}2"}
        link_orders_to_customers(db.session, shop.id)
        db.session.commit()
        assert set(linked()) == {f"gid://shopify/Order/{n}" for n in (1, 2, 3, 4)}
        ids = db.session.execute(select(Order.customer_id).where(Order.shop_id == shop.id)).scalars()
        own = set(read([f"{PREFIX}1", f"{PREFIX}2"]))
        assert own <= set(ids)


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's bulk loader copies new orders (decision 086)")
def test_a_copy_of_new_orders_meeting_a_stored_order_is_written_again_as_upserts(
        app: Flask, make_shop: Callable[..., Shop], monkeypatch: pytest.MonkeyPatch) -> None:
    shop = make_shop()
    copied: list[tuple[str, bool]] = []
    record_copies(monkeypatch, copied, "copy_parents")
    webhook = {**ORDERS[1], "name": "#webhook", "updatedAt": "2027-01-01T00:00:00Z"}
    line = {"id": "gid://shopify/LineItem/7", "title": "Mug", "quantity": 1,
            "originalUnitPriceSet": {"shopMoney": {"amount": "2.00"}}, "__parentId": ORDERS[1]["id"]}
    commit = commit_then_webhook(shop.id, "orders", webhook)  # the next batch's order, newer

    with app.app_context():
        via_loader(shop.id, "customers", CUSTOMERS)
        bulk_load.load(db.session, shop.id, "orders", copy.deepcopy([ORDERS[0], ORDERS[1], line, ORDERS[2]]),
                       commit_every=1, on_commit=commit)
        db.session.commit()
        names = dict(db.session.execute(select(Order.shopify_gid, Order.name)
                                        .where(Order.shop_id == shop.id)).all())
        lines = db.session.execute(select(OrderLineItem.shopify_gid, Order.shopify_gid).join(
            Order, Order.id == OrderLineItem.order_id).where(OrderLineItem.shop_id == shop.id)).all()
    # the second copy met the webhook's order
    assert [table for table, _ in copied[:2]] == ["orders", "orders"]
    assert names == {ORDERS[0]["id"]: None, ORDERS[1]["id"]: "#webhook", ORDERS[2]["id"]: None}
    assert lines == [("gid://shopify/LineItem/7", ORDERS[1]["id"])]
