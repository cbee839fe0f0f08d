"""Dashboard reads (decision 038): the answer equals a straightforward ORM reference, byte for byte."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask, current_app
from sqlalchemy import select

from tests.services import truth_ranges
from tests.services.orders_factory import Line, RefundSpec, seed_shop, write_order
from xsight.extensions import db
from xsight.models import Customer, Shop
from xsight.models.rollup import DailyShop
from xsight.models.types import from_minor, to_minor
from xsight.services import dashboard as service
from xsight.services import range_queries


@pytest.fixture
def shop(app: Flask, make_shop: Callable[..., Shop]) -> Any:
    s = make_shop(iana_timezone="Europe/Berlin")
    with app.app_context():
        yield s


def reference_totals(shop_id: int, r: service.Range) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Sum and list the range's `daily_shop` rows through ORM entities, one statement per period."""
    rows = {d.date: d for d in db.session.scalars(select(DailyShop).where(
        DailyShop.shop_id == shop_id, DailyShop.date.between(r.start, r.end)))}
    by_day = []
    for i in range(r.days):
        day = r.start + timedelta(days=i)
        d = rows.get(day)
        by_day.append({"date": day.isoformat(), "orders": d.orders if d else 0,
                       "net_sales": service._money(d.net_sales if d else 0),
                       "gross_sales": service._money(d.gross_sales if d else 0)})

    def total(name: str) -> int:
        return sum(getattr(d, name) for d in rows.values())
    den = total("aov_denominator")
    totals: dict[str, Any] = {
        "gross_sales": from_minor(total("gross_sales")), "discounts": from_minor(total("discounts")),
        "returns": from_minor(total("returns")), "net_sales": from_minor(total("net_sales")),
        "orders": total("orders"), "aov": from_minor(total("aov_numerator")) / den if den else Decimal(0)}
    totals.update(range_queries.customer_counts(shop_id, r.start, r.end))
    totals["returning_customer_rate"] = (
        Decimal(totals["returning_customers"]) / totals["customers"] if totals["customers"] else Decimal(0))
    return totals, by_day


def reference_top(shop_id: int, r: service.Range, top: int) -> list[dict[str, Any]]:
    """Group the range's order events (no threshold search) and name them from Customer entities."""
    result = []
    for key, orders, amount in range_queries._scan(shop_id, r.start, r.end, top):
        person = db.session.scalars(select(Customer).where(
            Customer.shop_id == shop_id, Customer.shopify_gid == key)).one_or_none()
        name = " ".join(p for p in (person.first_name, person.last_name) if p) if person else None
        email = person.email if person else key.removeprefix("email:") if key.startswith("email:") else None
        result.append({"id": person.id if person else None, "name": name or None, "email": email,
                       "orders": orders, "net_sales": service._money(amount)})
    return result


def reference(shop: Shop, start: date, end: date, top: int) -> dict[str, Any]:
    current = service.Range(start, end)
    previous = current.previous()
    now, by_day = reference_totals(shop.id, current)
    before, previous_by_day = reference_totals(shop.id, previous)
    kpis = {name: {"value": service._show(name, now[name]), "previous": service._show(name, before[name]),
                   "change_pct": service._change(now[name], before[name])} for name in now}
    return {"range": {"start": start.isoformat(), "end": end.isoformat()},
            "previous_range": {"start": previous.start.isoformat(), "end": previous.end.isoformat()},
            "currency": shop.currency, "kpis": kpis, "by_day": by_day, "previous_by_day": previous_by_day,
            "top_customers": reference_top(shop.id, current, top)}


def test_dashboard_equals_the_orm_reference_byte_for_byte(shop: Shop) -> None:
    seed_shop(shop.id, 250, weeks=60.0)
    # Refunds (negative days, net below positive spend), a cancelled order and an email-only buyer.
    write_order(shop.id, "x1", "2026-06-02T10:00", [Line(3, "400")], customer="gid://shopify/Customer/1",
                updated="2026-07-01T10:00",
                refunds=(RefundSpec("xr1", "2026-07-01T10:00", [(0, 2, "800", "0")]),))
    write_order(shop.id, "x2", "2026-06-03T10:00", [Line(1, "900")], email="Zoë@example.com")
    write_order(shop.id, "x3", "2026-06-04T10:00", [Line(1, "700")], customer="gid://shopify/Customer/2",
                cancelled="2026-06-05T10:00")
    rnd = random.Random(38)
    cases = [(date(2026, 6, 1), date(2026, 7, 31), 5), (date(2026, 11, 20), date(2026, 11, 20), 50)]
    for _ in range(60):
        length = rnd.choice([1, 2, 7, 8, 30, 31, 45, 90, 200, 365, 420])
        start = date(2025, 6, 1) + timedelta(days=rnd.randint(-120, 560))
        cases.append((start, start + timedelta(days=length - 1), rnd.choice([1, 3, 5, 20])))
    encode = current_app.json.dumps
    named, emails = 0, 0
    for start, end, top in cases:
        got = service.dashboard(shop, start, end, top)
        assert encode(got) == encode(reference(shop, start, end, top)), (start, end, top)
        named += sum(1 for c in got["top_customers"] if c["name"])
        emails += sum(1 for c in got["top_customers"] if c["email"] and not c["name"])
    assert named > 50 and emails >= 1  # both kinds of customer key are exercised


def test_bounded_floor_round_equals_the_truth(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_shop(shop.id, 300, weeks=40.0)
    write_order(shop.id, "y1", "2026-10-02T10:00", [Line(4, "500")], customer="gid://shopify/Customer/3",
                updated="2026-10-20T10:00",
                refunds=(RefundSpec("yr1", "2026-10-20T10:00", [(0, 4, "2000", "0")]),))
    orders = truth_ranges.counted_orders(shop.id)
    last = max(o.day for o in orders)
    bounds: list[Any] = []
    exact = range_queries._exact
    monkeypatch.setattr(range_queries, "_exact",
                        lambda *a: bounds.append(a[-1]) or exact(*a))  # type: ignore[func-returns-value]
    monkeypatch.setattr(range_queries, "BOUND_MONTHS", 1)  # bound every floor round, whatever its length
    for n in (0, 6, 29, 90, 279):
        start = last - timedelta(days=n)
        _, ranked = truth_ranges.range_figures(orders, start, last)
        for top, first_read in ((1, 1), (3, 1), (5, 32)):
            monkeypatch.setattr(range_queries, "FIRST_READ", first_read)
            got = [(k, o, from_minor(v)) for k, o, v in range_queries.top_spenders(shop.id, start, last, top)]
            assert got == ranked[:top], (start, top)
    assert sum(b is not None for b in bounds) >= 5  # the bounded lookup ran


def test_bounded_exact_keeps_exactly_the_customers_whose_month_spend_reaches_the_bound(shop: Shop) -> None:
    seed_shop(shop.id, 200, weeks=40.0)
    write_order(shop.id, "z1", "2026-09-02T10:00", [Line(2, "300")], customer="gid://shopify/Customer/4",
                updated="2026-09-20T10:00",
                refunds=(RefundSpec("zr1", "2026-09-20T10:00", [(0, 2, "600", "0")]),))
    orders = truth_ranges.counted_orders(shop.id)
    end = max(o.day for o in orders) - timedelta(days=40)
    start = end - timedelta(days=200)
    first = start.replace(day=1)
    upper: dict[str, int] = {}  # positive spend in the months from start's to end's, whole months
    for o in orders:
        if first <= o.day and (o.day.year, o.day.month) <= (end.year, end.month):
            upper[o.key] = upper.get(o.key, 0) + max(to_minor(o.net), 0)
    keys = sorted(upper)
    cursor, p = range_queries._cursor()
    try:
        full = range_queries._exact(cursor, p, shop.id, keys, start.toordinal(), end.toordinal())
        for amount in sorted(set(upper.values()))[-40::7]:  # each one some customer's bound: ties kept
            got = range_queries._exact(cursor, p, shop.id, keys, start.toordinal(), end.toordinal(),
                                       (first, end, amount))
            assert got == {k: v for k, v in full.items() if upper[k] >= amount}, amount
            assert any(upper[k] == amount for k in got)
    finally:
        cursor.close()
