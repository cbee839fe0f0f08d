"""The rule compiler selects exactly the customers the independent evaluator selects, on both backends."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from tests.services.segments import population
from tests.services.segments.evaluator import matches
from tests.services.segments.strategies import all_leaves, trees
from xsight.extensions import db
from xsight.models import Shop
from xsight.services.crm.facts import customer_facts
from xsight.services.segments.compiler import Context, compile_rules
from xsight.services.segments.tree import canonical

TZ = "America/New_York"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, int, list[population.Person]]]:
    """One app with two shops of random customers, shared by every example in this module."""
    from tests.conftest import flush_redis, make_settings, reset_database
    from xsight import create_app

    flush_redis()
    app = create_app(make_settings(tmp_path_factory.mktemp("segments") / "instance"))
    with app.app_context():
        reset_database()
        db.create_all()
        shops = [Shop(domain=f"seg-{n}.myshopify.com", iana_timezone=TZ, installed=True) for n in (1, 2)]
        db.session.add_all(shops)
        db.session.commit()
        people = population.build(random.Random(7), shops[0].id, 120)
        population.build(random.Random(8), shops[1].id, 40)  # another tenant: must never match
        yield app, shops[0].id, people
        db.session.remove()
        reset_database()
        db.engine.dispose()


def selected(shop_id: int, tree: dict[str, Any]) -> set[int]:
    facts = customer_facts(shop_id)
    ctx = Context(shop_id=shop_id, today=population.TODAY, timezone=TZ, dialect=db.engine.dialect.name)
    condition = compile_rules(canonical(tree), facts, ctx)
    return set(db.session.scalars(select(facts.c.customer_id).where(condition)))


def expected(people: list[population.Person], tree: dict[str, Any]) -> set[int]:
    return {p.id for p in people if not p.deleted and matches(tree, p, population.TODAY, TZ)}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees())
def test_compiled_rules_match_the_independent_evaluator(world: Any, tree: dict[str, Any]) -> None:
    app, shop_id, people = world
    with app.app_context():
        assert selected(shop_id, tree) == expected(people, tree)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees())
def test_canonical_form_is_stable(world: Any, tree: dict[str, Any]) -> None:
    once = canonical(tree)
    assert canonical(once) == once


def test_every_leaf_kind_selects_someone_and_not_everyone(world: Any) -> None:
    """Guard against a vacuous oracle: typical rules split the population."""
    app, shop_id, people = world
    rules = [
        {"field": "amount_spent", "op": ">", "value": 100},
        {"field": "customer_tags", "op": "contains", "value": "VIP"},
        {"field": "products_purchased", "op": "contains", "value": "13"},
        {"field": "created_at", "op": ">=", "value": "-7d"},
        {"field": "days_since_last_order", "op": "between", "value": [10, 40]},
        {"field": "rfm_group", "op": "in", "value": ["champions", "LOYAL", "PROSPECTS"]},
    ]
    live = {p.id for p in people if not p.deleted}
    with app.app_context():
        for rule in rules:
            got = selected(shop_id, rule)
            assert got == expected(people, rule)
            assert got and got != live, rule



def test_every_field_operator_and_value_in_the_pools(world: Any) -> None:
    """Exhaustive single-condition matrix: every field x operator x pooled value, one by one."""
    app, shop_id, people = world
    leaves = list(all_leaves())
    assert len(leaves) > 500
    with app.app_context():
        for leaf in leaves:
            assert selected(shop_id, leaf) == expected(people, leaf), leaf
