"""Rollups: METRICS.md section 2 cases, and exact agreement with a recomputation from raw rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from tests.services import truth
from tests.services.orders_factory import Line, RefundSpec, delete_order, write_order
from xsight.extensions import db
from xsight.models import Order, Shop
from xsight.models.rollup import CustomerMonth, CustomerStats, DailyShop
from xsight.models.types import from_minor
from xsight.services import rollups

D = Decimal
LA = "America/Los_Angeles"


@pytest.fixture
def shop(app: Flask, make_shop: Callable[..., Shop]) -> Any:
    s = make_shop(iana_timezone=LA)
    with app.app_context():
        yield s


def day(shop: Shop, d: str) -> dict[str, Any]:
    row = db.session.scalars(select(DailyShop).where(DailyShop.shop_id == shop.id,
                                                     DailyShop.date == date.fromisoformat(d))).first()
    if row is None:
        return {}
    money = ("gross_sales", "discounts", "returns", "net_sales", "shipping", "taxes", "gift_card_sales",
             "aov_numerator")
    return {c: from_minor(getattr(row, c)) if c in money else getattr(row, c)
            for c in (*money, "orders", "orders_cancelled", "units_ordered", "units_reversed",
                      "aov_denominator")}


def stats(shop: Shop, key: str) -> CustomerStats | None:
    return db.session.scalars(select(CustomerStats).where(CustomerStats.shop_id == shop.id,
                                                          CustomerStats.customer_key == key)).first()


def test_e1_timezone_trap_and_later_partial_refund(shop: Shop) -> None:
    lines = [Line(2, "50", discount="10", tax="9")]
    write_order(shop.id, "A", "2026-02-01T03:00", lines, customer="C1", shipping="8", tax="9")
    jan = day(shop, "2026-01-31")
    write_order(shop.id, "A", "2026-02-01T03:00", lines, customer="C1", shipping="8", tax="9",
                updated="2026-03-03T20:00",
                refunds=(RefundSpec("R1", "2026-03-03T20:00", [(0, 1, "45", "4.5")]),))
    assert day(shop, "2026-01-31") == jan
    assert (jan["gross_sales"], jan["discounts"], jan["net_sales"], jan["shipping"], jan["taxes"]) == (
        100, 10, 90, 8, 9)
    assert jan["orders"] == 1 and jan["aov_numerator"] / jan["aov_denominator"] == 90
    assert day(shop, "2026-02-01") == {}
    mar = day(shop, "2026-03-03")
    assert (mar["returns"], mar["net_sales"], mar["taxes"], mar["orders"]) == (45, -45, D("-4.5"), 0)
    assert from_minor(stats(shop, "C1").net_sales) == 45
    month = db.session.scalars(select(CustomerMonth).where(CustomerMonth.shop_id == shop.id)).one()
    assert (month.month, from_minor(month.net_sales)) == (date(2026, 1, 1), 45)


def test_e2_full_refund_keeps_the_order_lifecycle_qualifying(shop: Shop) -> None:
    write_order(shop.id, "B", "2026-04-10T18:00", [Line(1, "40")], customer="C2", shipping="5", tax="4",
                refunds=(RefundSpec("RB", "2026-04-20T18:00", [(0, 1, "40", "4")], shipping="5"),))
    assert day(shop, "2026-04-10")["net_sales"] == 40
    apr20 = day(shop, "2026-04-20")
    assert (apr20["returns"], apr20["net_sales"], apr20["shipping"], apr20["taxes"]) == (40, -40, -5, -4)
    s = stats(shop, "C2")
    assert (s.lifetime_orders, s.net_sales) == (1, 0)


@pytest.mark.parametrize(("cancelled", "same_day"), [("2026-05-02T18:00", False), ("2026-05-01T20:00", True)])
def test_e3_cancellation_nets_to_zero(shop: Shop, cancelled: str, same_day: bool) -> None:
    write_order(shop.id, "C", "2026-05-01T18:00", [Line(1, "60")], customer="C3", cancelled=cancelled)
    placed = day(shop, "2026-05-01")
    assert (placed["gross_sales"], placed["orders"], placed["orders_cancelled"]) == (60, 1, 1)
    reversal = day(shop, "2026-05-01" if same_day else "2026-05-02")
    assert reversal["returns"] == 60
    total = placed["net_sales"] + (0 if same_day else reversal["net_sales"])
    assert total == 0
    assert stats(shop, "C3") is None  # not lifecycle-qualifying: no first order, no cohort


def test_e7_zero_value_order_counts_and_qualifies(shop: Shop) -> None:
    write_order(shop.id, "F", "2026-06-01T18:00", [Line(1, "30", discount="30")], customer="C7")
    d = day(shop, "2026-06-01")
    assert (d["gross_sales"], d["discounts"], d["net_sales"], d["orders"], d["aov_denominator"]) == (
        30, 30, 0, 1, 1)
    assert stats(shop, "C7").lifetime_orders == 1


def test_e8_gift_cards_are_not_sales(shop: Shop) -> None:
    write_order(shop.id, "G1", "2026-07-01T18:00", [Line(1, "50", gift=True), Line(1, "30")], customer="C8",
                refunds=(RefundSpec("RG", "2026-07-02T18:00", [(0, 1, "50", "0")]),))
    write_order(shop.id, "G2", "2026-07-01T19:00", [Line(1, "25", gift=True)], customer="C9")
    d = day(shop, "2026-07-01")
    assert (d["gross_sales"], d["gift_card_sales"], d["orders"], d["aov_numerator"]) == (30, 75, 1, 30)
    assert day(shop, "2026-07-02")["returns"] == 0
    assert stats(shop, "C9") is None


def test_e9_test_orders_never_count_and_deleted_orders_disappear(shop: Shop) -> None:
    write_order(shop.id, "T", "2026-08-01T18:00", [Line(1, "99")], customer="CT", test=True)
    assert day(shop, "2026-08-01") == {} and stats(shop, "CT") is None
    write_order(shop.id, "X1", "2026-08-02T18:00", [Line(1, "10")], customer="CX")
    write_order(shop.id, "X2", "2026-08-05T18:00", [Line(1, "20")], customer="CX",
                refunds=(RefundSpec("RX", "2026-08-06T18:00", [(0, 1, "20", "0")]),))
    delete_order(shop.id, "X1")
    assert day(shop, "2026-08-02") == {}
    s = stats(shop, "CX")
    assert (s.first_order_gid, s.first_order_date, s.lifetime_orders) == ("X2", date(2026, 8, 5), 1)
    delete_order(shop.id, "X2")
    assert day(shop, "2026-08-06") == {} and stats(shop, "CX") is None


def test_e10_refund_discrepancy_is_a_return(shop: Shop) -> None:
    write_order(shop.id, "H", "2026-09-01T18:00", [Line(1, "40")], customer="C10",
                refunds=(RefundSpec("RH", "2026-09-03T18:00", adjustments="5"),))
    d = day(shop, "2026-09-03")
    assert (d["returns"], d["net_sales"]) == (5, -5)


def test_e13_dst_days_and_period_edges(shop: Shop) -> None:
    # 2026-03-08 (23 h) and 2026-11-01 (25 h) in Los Angeles.
    write_order(shop.id, "S1", "2026-03-09T06:59:59", [Line(1, "1")])  # 23:59:59 PDT on 03-08
    write_order(shop.id, "S2", "2026-03-09T07:00:00", [Line(1, "2")])  # 00:00 on 03-09
    write_order(shop.id, "S3", "2026-11-02T07:59:59", [Line(1, "4")])  # 23:59:59 PST on 11-01
    write_order(shop.id, "S4", "2026-11-01T07:30:00", [Line(1, "8")],  # 00:30 PDT on 11-01
                refunds=(RefundSpec("RS", "2026-11-02T08:00:00", [(0, 1, "8", "0")]),))  # 00:00 on 11-02
    assert day(shop, "2026-03-08")["gross_sales"] == 1
    assert day(shop, "2026-03-09")["gross_sales"] == 2
    assert day(shop, "2026-11-01")["gross_sales"] == 12
    assert day(shop, "2026-11-02")["returns"] == 8


def test_unidentified_orders_count_in_sales_not_customers(shop: Shop) -> None:
    write_order(shop.id, "U", "2026-10-01T18:00", [Line(1, "15")])
    write_order(shop.id, "U2", "2026-10-01T19:00", [Line(1, "5")], email="  Guest@Example.COM ")
    assert day(shop, "2026-10-01")["orders"] == 2
    assert db.session.scalars(select(CustomerStats.customer_key)
                              .where(CustomerStats.shop_id == shop.id)).all() == ["email:guest@example.com"]


def test_other_currency_orders_are_left_out(shop: Shop) -> None:
    write_order(shop.id, "EUR", "2026-10-01T18:00", [Line(1, "15")], currency="EUR")
    assert day(shop, "2026-10-01") == {}


def assert_matches_truth(shop_id: int) -> None:
    days, customers = truth.compute(shop_id)
    cols = ("gross_sales", "discounts", "returns", "net_sales", "aov_numerator", "orders")
    got_days = {r.date: r for r in db.session.scalars(select(DailyShop).where(DailyShop.shop_id == shop_id))
                if any(getattr(r, c) for c in cols)}
    expected_days = {d: v for d, v in days.items() if any(v.values())}
    assert set(got_days) == set(expected_days)
    for d, v in expected_days.items():
        row = got_days[d]
        for col in ("gross_sales", "discounts", "returns", "net_sales", "aov_numerator"):
            assert from_minor(getattr(row, col)) == v[col], (d, col)
        assert row.orders == v["orders"]
    got = {s.customer_key: s for s in db.session.scalars(
        select(CustomerStats).where(CustomerStats.shop_id == shop_id))}
    assert set(got) == set(customers)
    for key, c in customers.items():
        s = got[key]
        assert (s.first_order_gid, s.first_order_date, s.last_order_date, s.lifetime_orders) == (
            c["first_order_gid"], c["first_order_date"], c["last_order_date"], c["lifetime_orders"])
        assert (from_minor(s.gross_sales), from_minor(s.discounts), from_minor(s.net_sales)) == (
            c["gross_sales"], c["discounts"], c["net_sales"])
    months = {(m.customer_key, m.month): (m.orders, from_minor(m.net_sales)) for m in db.session.scalars(
        select(CustomerMonth).where(CustomerMonth.shop_id == shop_id))}
    assert months == {(k, mo): (v[0], v[1]) for k, c in customers.items() for mo, v in c["months"].items()}


hours = st.integers(min_value=0, max_value=24 * 40)
write = st.tuples(
    st.sampled_from(["o1", "o2", "o3", "o4", "o5"]), hours, st.sampled_from([None, "ca", "cb", "cc"]),
    st.lists(st.tuples(st.integers(1, 3), st.sampled_from(["9.99", "20", "0.01"]), st.booleans()),
             min_size=0, max_size=3),
    st.one_of(st.none(), st.integers(0, 24 * 5)), st.one_of(st.none(), st.integers(0, 24 * 10)),
    st.booleans())
actions = st.lists(st.one_of(write, st.tuples(st.just("delete"), st.sampled_from(["o1", "o2", "o3"]))),
                   min_size=1, max_size=8)


def _apply(shop_id: int, action: tuple[Any, ...]) -> None:
    from datetime import datetime, timedelta
    if action[0] == "delete":
        delete_order(shop_id, action[1])
        return
    gid, hour, customer, lines, cancel_after, refund_after, test = action
    at = datetime(2026, 3, 1) + timedelta(hours=hour)
    iso = lambda t: t.isoformat(timespec="seconds")  # noqa: E731
    parsed = [Line(q, p, discount="0.01" if p != "0.01" else "0", gift=g) for q, p, g in lines]
    refunds: tuple[RefundSpec, ...] = ()
    if refund_after is not None and parsed:
        refunds = (RefundSpec(f"{gid}-r", iso(at + timedelta(hours=refund_after)),
                              [(0, 1, parsed[0].price, "0")], adjustments="1"),)
    cancelled = iso(at + timedelta(hours=cancel_after)) if cancel_after is not None else None
    write_order(shop_id, gid, iso(at), parsed, refunds=refunds, customer=customer, cancelled=cancelled,
                test=test and gid == "o5", email="x@y.z" if customer is None and hour % 2 else None,
                updated=iso(at + timedelta(days=30, hours=hour)))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=actions)
def test_rollups_equal_a_recomputation_after_random_writes(shop: Shop, steps: list[Any]) -> None:
    db.session.execute(delete(Order).where(Order.shop_id == shop.id))
    rollups.rebuild(db.session, shop.id)
    for step in steps:
        _apply(shop.id, step)
    assert_matches_truth(shop.id)
    rollups.rebuild(db.session, shop.id)
    assert_matches_truth(shop.id)
