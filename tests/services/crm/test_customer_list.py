"""customer_list.page as segments call it: any conditions over a facts subquery, keyset pages."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from bench.crm_data import build
from xsight.extensions import db
from xsight.models import Shop
from xsight.services.crm.customer_list import page
from xsight.services.crm.facts import customer_facts


def test_page_with_a_condition_and_cursor(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        build(db.session, shop.id, 30, orders=False)
        shop = db.session.get(Shop, shop.id)
        assert shop is not None
        facts = customer_facts(shop.id)
        us = db.session.scalars(select(facts.c.customer_id).where(facts.c.country == "US")).all()
        first = page(shop, facts, [facts.c.country == "US"], sort="p_alive", direction="desc", limit=5,
                     after=None)
        assert first["total"] == len(us) > 10 and len(first["customers"]) == 5
        assert {c["country"] for c in first["customers"]} == {"US"}
        rest = page(shop, facts, [facts.c.country == "US"], sort="p_alive", direction="desc", limit=250,
                    after=first["next_cursor"])
        ids = [c["id"] for c in first["customers"] + rest["customers"]]
        assert sorted(ids) == sorted(us) and rest["next_cursor"] is None


def test_page_over_a_callers_own_facts(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        build(db.session, shop.id, 12, orders=False)
        shop = db.session.get(Shop, shop.id)
        assert shop is not None
        base = customer_facts(shop.id)
        facts = select(base, (base.c.customer_id % 2).label("odd")).subquery("facts")
        body = page(shop, facts, [facts.c.odd == 1], sort="id", direction="asc", limit=50, after=None)
        first_id = min(c["id"] for c in body["customers"])
        assert [c["id"] for c in body["customers"]] == list(range(first_id, first_id + 12, 2))
        assert body["total"] == 6
