"""Prediction rows rewritten in place end exactly as a delete of the shop's rows and a fresh insert would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, select

from xsight.errors import NotFound
from xsight.extensions import db
from xsight.models import Customer, Shop
from xsight.models.prediction import CustomerPrediction, ModelRun
from xsight.services import prediction_store, raw_sql
from xsight.services.insights_recompute import COLUMNS

VALUES = [c for c in COLUMNS if c != "model_run_id"]


def _columns(shop_id: int, run_id: int, keys: list[str], seed: int) -> dict[str, list[Any]]:
    """One row per key; every value depends on the key and the seed, so a stale value shows."""
    n = range(len(keys))
    return {"shop_id": [shop_id] * len(keys), "model_run_id": [run_id] * len(keys), "customer_key": keys,
            "customer_id": [None] * len(keys), "orders": [seed + i for i in n],
            "net_sales": [10_000 * (seed + i) for i in n],
            "recency_days": [None if i % 3 == 0 else seed + i for i in n],
            "p_alive": [round(0.5 + 0.01 * i, 6) for i in n], "expected_30d": [0.1 * seed for _ in n],
            "expected_90d": [None] * len(keys), "clv_12m": [float(seed * i) for i in n],
            "next_order_at": [date(2026, 12, 1 + i % 28) if i % 2 else None for i in n],
            "churn_risk": ["low" if (seed + i) % 2 else "high" for i in n],
            "r": [1 + (seed + i) % 5 for i in n], "f": [1 + i % 5 for i in n], "m": [5 - i % 5 for i in n],
            "fm": [3 for _ in n], "rfm_group": ["CHAMPIONS" if i % 2 else "DORMANT" for i in n]}


def _insert(columns: dict[str, list[Any]]) -> None:
    rows = list(zip(*(columns[c] for c in COLUMNS), strict=True))
    raw_sql.insert_many("customer_predictions", COLUMNS, rows)


def _stored(shop_id: int) -> list[tuple[Any, ...]]:
    p = CustomerPrediction.__table__.c
    return [tuple(r) for r in db.session.execute(
        select(*(p[c] for c in VALUES)).where(p.shop_id == shop_id).order_by(p.customer_key))]


def _run(shop_id: int) -> int:
    run = ModelRun(shop_id=shop_id, status="succeeded")
    db.session.add(run)
    db.session.flush()
    return run.id


def test_replacing_rows_equals_delete_and_insert(app: Flask, make_shop: Callable[..., Shop]) -> None:
    mine, other = make_shop(), make_shop()
    with app.app_context():
        old_run, other_run = _run(mine.id), _run(other.id)
        before = _columns(mine.id, old_run, [f"k{i}" for i in range(12)], seed=1)
        _insert(before)
        # A duplicate of one key (left by an older writer) must go too; the other shop must not be touched.
        _insert(_columns(mine.id, old_run, ["k3"], seed=9))
        theirs = _columns(other.id, other_run, [f"k{i}" for i in range(5)], seed=4)
        _insert(theirs)
        db.session.commit()
        theirs_before = _stored(other.id)

        new_run = _run(mine.id)
        # k0, k1 left; k20, k21 new; the rest kept with new values.
        after = _columns(mine.id, new_run, [f"k{i}" for i in range(2, 12)] + ["k20", "k21"], seed=2)
        # k5's customer row arrived since the last run (the SET names customer_id for it only), k21 is new.
        for key in ("k5", "k21"):
            customer = Customer(shop_id=mine.id, shopify_gid=key, tags=[], synced_at=datetime.now(UTC))
            db.session.add(customer)
            db.session.flush()
            after["customer_id"][after["customer_key"].index(key)] = customer.id
        prediction_store.replace_rows(mine.id, COLUMNS, after)
        db.session.commit()
        rewritten = _stored(mine.id)

        db.session.execute(CustomerPrediction.__table__.delete().where(CustomerPrediction.shop_id == mine.id))
        _insert(after)
        db.session.commit()
        assert rewritten == _stored(mine.id)
        assert len(rewritten) == 12 and rewritten[0][1] == "k10"
        assert sum(row[2] is not None for row in rewritten) == 2
        runs = db.session.scalars(select(CustomerPrediction.model_run_id)
                                  .where(CustomerPrediction.shop_id == mine.id))
        assert set(runs) == {new_run}
        assert _stored(other.id) == theirs_before


def test_replacing_with_no_rows_empties_the_shop(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        run = _run(shop.id)
        rows = _columns(shop.id, run, ["a", "b"], seed=3)
        _insert(rows)
        prediction_store.replace_rows(shop.id, COLUMNS, {c: [] for c in COLUMNS})
        db.session.commit()
        assert _stored(shop.id) == []


@pytest.mark.parametrize("gone", [ModelRun, Shop])
def test_rows_of_a_deleted_run_or_shop_are_refused(app: Flask, make_shop: Callable[..., Shop],
                                                    gone: type) -> None:
    shop, other = make_shop(), make_shop()
    with app.app_context():
        run, other_run = _run(shop.id), _run(other.id)
        theirs = _columns(other.id, other_run, ["x"], seed=5)
        _insert(theirs)
        db.session.commit()
        # The table has no foreign keys (decision 035): the writer itself must refuse rows naming a run
        # or shop deleted since the recompute started, and its transaction then stores nothing.
        db.session.execute(delete(gone).where(gone.id == (run if gone is ModelRun else shop.id)))
        db.session.commit()
        with pytest.raises(NotFound, match=f"Model run {run} of shop {shop.id} no longer exists"):
            prediction_store.replace_rows(shop.id, COLUMNS, _columns(shop.id, run, ["a", "b"], seed=3))
        db.session.rollback()
        assert _stored(shop.id) == [] and len(_stored(other.id)) == 1


def test_a_shop_deleted_during_the_write_waits_and_takes_the_rows(app: Flask,
                                                                  make_shop: Callable[..., Shop]) -> None:
    """PostgreSQL: the writer's run/shop lock makes a concurrent shop delete wait for its commit, so the
    delete's trigger then sees (and removes) the rows it wrote; without it they would outlive the shop."""
    shop = make_shop()
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has one writer at a time: a delete cannot come between write and commit")
        run = _run(shop.id)
        db.session.commit()
        prediction_store.replace_rows(shop.id, COLUMNS, _columns(shop.id, run, ["a", "b"], seed=3))
        engine, done = db.engine, threading.Event()

        def delete_shop() -> None:
            with engine.begin() as conn:
                conn.execute(delete(Shop).where(Shop.id == shop.id))
            done.set()

        worker = threading.Thread(target=delete_shop)
        worker.start()
        assert not done.wait(1.0)  # blocked on the writer's FOR KEY SHARE lock
        db.session.commit()
        worker.join(10)
        assert done.is_set()
        assert _stored(shop.id) == [] and db.session.get(Shop, shop.id) is None
