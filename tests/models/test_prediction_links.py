"""Prediction rows have no foreign keys: every delete path still leaves none naming a missing row."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, select, text

from tests.services.segments import population
from tests.services.test_apply import run
from xsight.extensions import db
from xsight.models import Customer, Shop
from xsight.models.prediction import CustomerPrediction, ModelRun
from xsight.services import compliance, installs
from xsight.tasks.analytics import recompute_insights

P = CustomerPrediction.__table__.c
_MISSING = {
    "shop": "NOT EXISTS (SELECT 1 FROM shops s WHERE s.id = p.shop_id)",
    "run": "NOT EXISTS (SELECT 1 FROM model_runs r WHERE r.id = p.model_run_id)",
    "customer": "p.customer_id IS NOT NULL "
                "AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = p.customer_id)",
}


def dangling() -> dict[str, int]:
    """Count the prediction rows that name a shop, model run or customer that does not exist."""
    return {name: db.session.scalar(text(f"SELECT count(*) FROM customer_predictions p WHERE {where}"))  # noqa: S608
            for name, where in _MISSING.items()}


def rows(shop_id: int) -> dict[str, tuple[int, int | None]]:
    """Return the shop's prediction rows as customer key -> (model run id, customer id)."""
    return {key: (run_id, customer_id) for key, run_id, customer_id in db.session.execute(
        select(P.customer_key, P.model_run_id, P.customer_id).where(P.shop_id == shop_id))}


def predicted_shop(app: Flask, make_shop: Callable[..., Shop], seed: int) -> Shop:
    """Return a shop whose customers have orders and a stored recompute (rows linked to customers)."""
    shop = make_shop(iana_timezone="UTC")
    with app.app_context():
        population.build(random.Random(seed), shop.id, 25)
        db.session.commit()
        assert recompute_insights.call_local(shop.id) in ("succeeded", "not_enough_data")
        linked = [c for _, c in rows(shop.id).values() if c is not None]
        assert len(linked) >= 20 and dangling() == {"shop": 0, "run": 0, "customer": 0}
    return shop


@pytest.mark.parametrize("path", ["shop/redact", "raw delete"])
def test_deleting_a_shop_deletes_its_predictions(app: Flask, make_shop: Callable[..., Shop],
                                                 path: str) -> None:
    doomed, kept = predicted_shop(app, make_shop, 1), predicted_shop(app, make_shop, 2)
    with app.app_context():
        before = rows(kept.id)
        if path == "shop/redact":
            compliance.redact_shop(doomed.id)
        else:
            db.session.execute(delete(Shop).where(Shop.id == doomed.id))
            db.session.commit()
        assert rows(doomed.id) == {} and rows(kept.id) == before
        assert dangling() == {"shop": 0, "run": 0, "customer": 0}


def test_deleting_customers_unlinks_only_their_predictions(app: Flask,
                                                          make_shop: Callable[..., Shop]) -> None:
    shop, other = predicted_shop(app, make_shop, 3), predicted_shop(app, make_shop, 4)
    with app.app_context():
        before, other_before = rows(shop.id), rows(other.id)
        linked = sorted((c, k) for k, (_, c) in before.items() if c is not None)
        one, several = linked[0], linked[1:4]
        db.session.execute(delete(Customer).where(Customer.id == one[0]))  # one statement, one row
        db.session.execute(delete(Customer).where(Customer.id.in_([c for c, _ in several])))  # several
        db.session.commit()
        gone = {k for _, k in [one, *several]}
        expected = {k: (r, None if k in gone else c) for k, (r, c) in before.items()}
        assert rows(shop.id) == expected and rows(other.id) == other_before  # as ON DELETE SET NULL did
        assert dangling() == {"shop": 0, "run": 0, "customer": 0}


def test_deleting_a_model_run_deletes_its_rows_only(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop, other = predicted_shop(app, make_shop, 5), predicted_shop(app, make_shop, 6)
    with app.app_context():
        before, other_before = rows(shop.id), rows(other.id)
        (old_run,) = {r for r, _ in before.values()}
        newer = ModelRun(shop_id=shop.id, status="succeeded")
        db.session.add(newer)
        db.session.flush()
        db.session.add(CustomerPrediction(shop_id=shop.id, model_run_id=newer.id, customer_key="k-newer",
                                          orders=1, net_sales=0, r=1, f=1, m=1, fm=1, rfm_group="NEW"))
        db.session.commit()
        db.session.execute(delete(ModelRun).where(ModelRun.id == old_run))
        db.session.commit()
        assert rows(shop.id) == {"k-newer": (newer.id, None)} and rows(other.id) == other_before
        assert dangling() == {"shop": 0, "run": 0, "customer": 0}


def _first_customer(shop_id: int) -> Any:
    return db.session.scalars(select(Customer).where(Customer.shop_id == shop_id)
                              .order_by(Customer.id)).first()


def test_customer_webhooks_and_uninstall_keep_predictions_linked(app: Flask,
                                                                 make_shop: Callable[..., Shop]) -> None:
    shop = predicted_shop(app, make_shop, 7)
    with app.app_context():
        before = rows(shop.id)
        customer = _first_customer(shop.id)
        number, gid, domain = customer.shopify_gid.rsplit("/", 1)[-1], customer.shopify_gid, shop.domain
    # customers/delete marks the row deleted (it stays): the prediction keeps naming it, as before.
    assert run(app, shop.id, "customers/delete", {"id": int(number)}) == "processed"
    with app.app_context():
        assert rows(shop.id) == before and dangling() == {"shop": 0, "run": 0, "customer": 0}
        second = db.session.scalars(select(Customer).where(Customer.shop_id == shop.id)
                                    .order_by(Customer.id.desc())).first()
        compliance.redact_customer(shop.id, second.shopify_gid, [])  # erases in place
        db.session.commit()
        assert rows(shop.id)[second.shopify_gid][1] == second.id
        assert dangling() == {"shop": 0, "run": 0, "customer": 0}
        installs.uninstall(domain)  # data stays until shop/redact
        db.session.commit()
        assert rows(shop.id)[gid] == before[gid] and dangling() == {"shop": 0, "run": 0, "customer": 0}
