"""Search through the trigram index finds exactly what the LIKE test alone finds, on both backends."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from tests.services.segments import population
from xsight.extensions import db
from xsight.models import Customer, Shop
from xsight.services.crm import facts, search
from xsight.services.crm.facts import customer_facts
from xsight.services.crm.search import contains, fts_ready, matches, phrase

NAMES = [("Émile", "Zola"), ("ÉMILE", "zola"), ('Dwayne "The Rock"', "Johnson"), ("100%", "Pure_Cotton"),
         ("back\\slash", "O'Hara"), ("Anne-Marie", "NEAR(x y)"), ("İlker", "Ağa"), ("ann", "AND OR NOT"),
         ("Ann", "Lee12"), ("Leé12", "x"), ("ß", "STRASSE"), (None, None), ("  ", "  ")]
QUERIES = ["émile", "ÉMILE", "mile zo", 'the rock"', '"', '""x', "100%", "_co", "% p", "\\sl", "o'h",
           "near(x", "ilker", "i̇lker", "ağa", "and or", "lee12", "LEE12", "ee1", "leé", "ss", "strasse",
           "example.com", "c1@", "zz", "an", "a", "ann lee", "*", "x y)", "c99@example.com"]


@pytest.mark.parametrize("dense", [search.DENSE, 3])  # 3: pages of common texts skip the index
def test_index_narrowing_never_changes_the_matches(app: Flask, make_shop: Callable[..., Shop],
                                                   monkeypatch: pytest.MonkeyPatch, dense: int) -> None:
    monkeypatch.setattr(search, "DENSE", dense)
    shop, other = make_shop(iana_timezone="UTC"), make_shop(iana_timezone="UTC")
    with app.app_context():
        population.build(random.Random(21), shop.id, 60)
        population.build(random.Random(22), other.id, 20)
        customers = db.session.scalars(select(Customer).where(Customer.shop_id == shop.id)
                                       .order_by(Customer.id)).all()
        for customer, (first, last) in zip(customers, NAMES, strict=False):
            customer.first_name, customer.last_name = first, last
        customers[20].email, customers[21].email = "Ann.LEE12@Example.COM", None
        facts.refresh_ids(db.session, shop.id, [c.id for c in customers])
        db.session.commit()
        assert fts_ready() == (db.engine.dialect.name == "sqlite")
        f = customer_facts(shop.id)
        hits = 0
        for q in QUERIES:
            expected = set(db.session.scalars(select(f.c.customer_id).where(contains(f, q))))
            for counting in (False, True):
                got = set(db.session.scalars(select(f.c.customer_id).where(matches(f, q, counting=counting))))
                assert got == expected, (q, counting)
            hits += bool(expected)
        assert hits >= len(QUERIES) // 2  # the cases are not empty


def test_phrase_quotes_the_text() -> None:
    assert phrase('Ann "X" Lee') == '"ann ""x"" lee"'
