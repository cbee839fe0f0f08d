"""Dashboard and insights for the simulated store's shop equal an independent computation.

The expected figures come from the app's raw tables (orders, line items, refunds as backfilled from the
store), walked row by row in Python (`tests.services.truth` and the loop below), not from the rollups;
the raw tables themselves are checked against the store's own ground truth first.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import func, select

from tests.integration.conftest import install, shop_id, truth
from tests.services import truth as independent
from xsight.devstore.server import StoreHandle
from xsight.extensions import db
from xsight.models import Order, OrderLineItem, Shop
from xsight.models.prediction import CustomerPrediction
from xsight.services import insights_recompute, rollups
from xsight.services.dashboard import dashboard


def _customer_counts(sid: int, start: date, end: date) -> tuple[int, int, int]:
    """Customers, new and returning customers in [start, end], by a plain loop over orders."""
    shop = db.session.get(Shop, sid)
    zone = ZoneInfo(shop.iana_timezone)
    orders = []
    for o in db.session.scalars(select(Order).where(Order.shop_id == sid, Order.test.is_(False))):
        products = db.session.scalar(select(func.count()).select_from(OrderLineItem).where(
            OrderLineItem.order_id == o.id, OrderLineItem.is_gift_card.is_(False)))
        key = o.customer_gid or (f"email:{o.email.strip().lower()}" if o.email else None)
        if products and key:
            orders.append((key, o.processed_at, o.id, o.processed_at.astimezone(zone).date(),
                           o.cancelled_at is None))
    first: dict[str, tuple] = {}
    for key, at, oid, _, qualifies in sorted(orders, key=lambda t: (t[1], t[2])):
        if qualifies and key not in first:
            first[key] = (at, oid)
    customers, new, returning = set(), set(), set()
    for key, at, oid, day, _ in orders:
        if not start <= day <= end:
            continue
        customers.add(key)
        if key in first and first[key][1] == oid:
            new.add(key)
        elif key in first and at >= first[key][0]:
            returning.add(key)
    return len(customers), len(new), len(returning)


def test_dashboard_and_insights_match_the_store(live_app: Flask, store: StoreHandle) -> None:
    assert install(live_app, store) == 200
    expected_store = truth(store)
    assert expected_store["orders"]["cancelled"] > 0 and Decimal(expected_store["orders"]["refunded"]) > 0
    sid = shop_id(live_app, store)
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == expected_store["orders"]["count"]
        assert db.session.scalar(select(func.count()).select_from(Order).where(
            Order.test.is_(True))) == expected_store["orders"]["test"]
        rollups.rebuild(db.session, sid)  # idempotent, whether or not the backfill already did it
        db.session.commit()
        days, customers = independent.compute(sid)
        shop = db.session.get(Shop, sid)
        first, last = min(days), max(days)
        ranges = [(first, last), (first + timedelta(days=30), first + timedelta(days=120)),
                  (last - timedelta(days=45), last)]
        for start, end in ranges:
            body = dashboard(shop, start, end, top=5)
            inside = [v for d, v in days.items() if start <= d <= end]
            for name in ("gross_sales", "discounts", "returns", "net_sales"):
                want = sum((v[name] for v in inside), Decimal(0)).quantize(Decimal("0.01"))
                assert body["kpis"][name]["value"] == str(want), (name, start, end)
            assert body["kpis"]["orders"]["value"] == sum(int(v["orders"]) for v in inside)
            counts = (body["kpis"]["customers"]["value"], body["kpis"]["new_customers"]["value"],
                      body["kpis"]["returning_customers"]["value"])
            assert counts == _customer_counts(sid, start, end), (start, end)
            by_day = {d["date"]: d["orders"] for d in body["by_day"]}
            assert len(by_day) == (end - start).days + 1
            assert all(by_day[d.isoformat()] == int(v["orders"])
                       for d, v in days.items() if start <= d <= end)
        assert body["top_customers"] == sorted(body["top_customers"], key=lambda t: -Decimal(t["net_sales"]))

        run = insights_recompute.recompute(sid)
        assert run.status in ("succeeded", "not_enough_data")
        scored = {p.customer_key for p in db.session.scalars(select(CustomerPrediction).where(
            CustomerPrediction.shop_id == sid, CustomerPrediction.orders > 0))}
        assert scored == set(customers)  # every customer with >= 1 lifecycle-qualifying order
