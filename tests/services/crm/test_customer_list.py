"""customer_list.page as segments call it: conditions over the facts subquery, narrowed or not."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from bench.crm_data import build
from xsight.extensions import db
from xsight.models import Shop
from xsight.services.crm.customer_list import narrowed, page
from xsight.services.crm.facts import customer_facts


def test_page_narrows_to_the_tables_it_reads(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        build(db.session, shop.id, 30, orders=False)
        shop = db.session.get(Shop, shop.id)
        assert shop is not None
        facts = customer_facts(shop.id)
        slim, conditions = narrowed(shop.id, facts, [facts.c.country == "US"]) or (None, [])
        assert slim is not None and set(slim.c.keys()) == {"customer_id", "customer_gid", "country"}
        assert "customer_stats" not in str(select(slim)) and "customer_predictions" not in str(select(slim))
        by_slim = db.session.scalars(select(slim.c.customer_id).where(*conditions)).all()
        by_facts = db.session.scalars(select(facts.c.customer_id).where(facts.c.country == "US")).all()
        assert sorted(by_slim) == sorted(by_facts) and by_facts
        body = page(shop, facts, [facts.c.country == "US"], sort="p_alive", direction="desc", limit=5,
                    after=None)
        assert body["total"] == len(by_facts) and len(body["customers"]) == 5
        assert {c["country"] for c in body["customers"]} == {"US"}


def test_page_over_other_facts_is_not_narrowed(app: Flask,
                                                            make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        build(db.session, shop.id, 12, orders=False)
        shop = db.session.get(Shop, shop.id)
        assert shop is not None
        base = customer_facts(shop.id)
        facts = select(base, (base.c.customer_id % 2).label("odd")).subquery("facts")
        assert narrowed(shop.id, facts, [facts.c.odd == 1]) is None
        assert narrowed(shop.id + 1, base, []) is None  # another shop's facts are not this shop's
        body = page(shop, facts, [facts.c.odd == 1], sort="id", direction="asc", limit=50, after=None)
        assert [c["id"] for c in body["customers"]] == [i for i in range(1, 13) if i % 2 == 1]
        assert body["total"] == 6
