"""The trigram search index follows every write to the facts, redactions included, on both backends."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select, text

from tests.blueprints.test_compliance import OTHER, SHOP, privacy, seed, send, shops  # noqa: F401
from tests.conftest import ShopifyHelper
from tests.services.crm.test_facts_table import assert_equal
from tests.services.segments import population
from tests.services.test_apply import customer_payload, order_payload, run
from xsight.extensions import db
from xsight.models import CustomerFacts, Shop
from xsight.models.search_index import FTS_TABLE, TRIGRAM_INDEXES, install
from xsight.services.crm import facts
from xsight.tasks.analytics import recompute_insights

# Both sides of the comparison, read through fts5vocab: every (trigram, customer id, column, offset).
_VOCAB = "CREATE VIRTUAL TABLE temp.{vocab} USING fts5vocab(main, {name}, instance)"


def index_instances() -> set[tuple[Any, ...]]:
    """Return what the live FTS5 table holds, and check it against one built from scratch."""
    with db.engine.begin() as conn:
        for name in ("temp.v_fresh", "temp.v_live", "main.fresh"):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        conn.exec_driver_sql("CREATE VIRTUAL TABLE main.fresh USING fts5(name_key, email, content='', "
                             "tokenize='trigram case_sensitive 0')")
        conn.exec_driver_sql("INSERT INTO fresh (rowid, name_key, email) "
                             "SELECT customer_id, name_key, email FROM customer_facts")
        conn.exec_driver_sql(_VOCAB.format(vocab="v_fresh", name="fresh"))
        conn.exec_driver_sql(_VOCAB.format(vocab="v_live", name=FTS_TABLE))
        live = {tuple(r) for r in conn.exec_driver_sql("SELECT * FROM temp.v_live")}
        fresh = {tuple(r) for r in conn.exec_driver_sql("SELECT * FROM temp.v_fresh")}
        for name in ("temp.v_fresh", "temp.v_live", "main.fresh"):
            conn.exec_driver_sql(f"DROP TABLE {name}")
    assert live == fresh
    return live


def found(word: str) -> set[int]:
    """Return the customer ids the search index gives for a phrase (SQLite)."""
    query = text("SELECT rowid FROM customer_facts_search WHERE customer_facts_search MATCH :q")
    return set(db.session.scalars(query, {"q": f'"{word}"'}))


def sqlite_only() -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the FTS5 table is SQLite's; PostgreSQL's GIN indexes are kept by the database")


def test_index_equals_a_rebuild_after_every_write_path(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop, other = make_shop(iana_timezone="UTC"), make_shop(iana_timezone="UTC")
    with app.app_context():
        sqlite_only()
        people = population.build(random.Random(11), other.id, 30)
        assert len(index_instances()) > 100
    run(app, shop.id, "customers/create", customer_payload("2026-01-01T00:00:00Z"))
    run(app, shop.id, "orders/create", order_payload("2026-01-02T00:00:00Z"))
    run(app, shop.id, "customers/update", customer_payload("2026-01-04T00:00:00Z", first="Grace"))
    with app.app_context():
        index_instances()
        assert found("grace") and not found("zzzq")
        assert recompute_insights.call_local(shop.id) in ("succeeded", "not_enough_data")
        facts.refresh_predictions(db.session, other.id)
        db.session.execute(CustomerFacts.__table__.update().where(CustomerFacts.shop_id == other.id)
                           .values(email="changed@example.org"))
        facts.rebuild(db.session, other.id)
        db.session.commit()
        index_instances()
        assert found("changed@") == set()  # the rebuild restored the e-mails from the customers
    run(app, shop.id, "customers/delete", {"id": 77})
    with app.app_context():
        index_instances()
        assert found("grace") == set()
    assert_equal(app, other.id, sum(not p.deleted for p in people))


def test_redactions_clear_the_index(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                    shops: tuple[Shop, Shop]) -> None:  # noqa: F811
    seed(client, shopify)
    seed(client, shopify, OTHER)
    with app.app_context():
        sqlite_only()
        ids = {shop.domain: set(db.session.scalars(select(CustomerFacts.customer_id).where(
            CustomerFacts.shop_id == shop.id))) for shop in shops}
        assert found("zelda") == ids[SHOP] | ids[OTHER] and found("ada@example") == found("zelda")
    send(client, shopify, "customers/redact", privacy("customers/redact", orders_to_redact=[1001]),
         path="/webhooks/compliance")
    with app.app_context():
        assert found("zelda") == found("ada@example") == ids[OTHER]
        index_instances()
    send(client, shopify, "shop/redact", {"shop_id": 1, "shop_domain": OTHER}, shop=OTHER,
         path="/webhooks/compliance")
    with app.app_context():
        assert found("zelda") == set() and found("example") == set()
        assert index_instances() == set()


def test_postgresql_has_trigram_indexes_or_falls_back(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's pg_trgm indexes")
        names = {ix["name"] for ix in inspect(db.engine).get_indexes("customer_facts")}
        assert set(TRIGRAM_INDEXES) <= names  # pg_trgm can be created on the test server
        with db.engine.connect() as conn:
            assert install(conn, extension="xsight_no_such_extension") is False
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1  # the transaction is still usable
            conn.rollback()
