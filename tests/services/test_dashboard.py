"""Dashboard: KPIs over a range with the previous period, zero-filled days, distinct customers, top N."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from tests.services.orders_factory import Line, RefundSpec, write_order
from xsight.extensions import db
from xsight.models import Customer, Shop
from xsight.services.dashboard import Range, dashboard


@pytest.fixture
def shop(app: Flask, make_shop: Callable[..., Shop]) -> Any:
    s = make_shop(iana_timezone="America/Los_Angeles")
    with app.app_context():
        db.session.add(Customer(shop_id=s.id, shopify_gid="a", first_name="Ada", last_name="L",
                                email="ada@example.com"))
        db.session.commit()
        yield s


def kpi(body: dict[str, Any], name: str) -> Any:
    return body["kpis"][name]["value"]


def test_previous_range_has_equal_length() -> None:
    assert Range(date(2026, 3, 1), date(2026, 3, 31)).previous() == Range(date(2026, 1, 29),
                                                                          date(2026, 2, 28))


def test_new_and_returning_customers(shop: Shop) -> None:
    # a: first and second orders both in the range -> new AND returning.
    write_order(shop.id, "a1", "2026-03-02T18:00", [Line(1, "10")], customer="a")
    write_order(shop.id, "a2", "2026-03-05T18:00", [Line(1, "30")], customer="a")
    # b: first order before the range -> returning only.
    write_order(shop.id, "b1", "2026-02-10T18:00", [Line(1, "10")], customer="b")
    write_order(shop.id, "b2", "2026-03-03T18:00", [Line(1, "20")], customer="b")
    # c: a cancelled order only -> a customer, neither new nor returning.
    write_order(shop.id, "c1", "2026-03-03T18:00", [Line(1, "5")], customer="c", cancelled="2026-03-04T18:00")
    # an unidentified order counts in sales, not in customers.
    write_order(shop.id, "u1", "2026-03-04T18:00", [Line(1, "7")])
    body = dashboard(shop, date(2026, 3, 1), date(2026, 3, 7))
    assert kpi(body, "orders") == 5
    assert (kpi(body, "customers"), kpi(body, "new_customers"), kpi(body, "returning_customers")) == (3, 1, 2)
    assert kpi(body, "returning_customer_rate") == pytest.approx(2 / 3, abs=1e-4)
    assert kpi(body, "gross_sales") == "72.00" and kpi(body, "returns") == "5.00"
    assert kpi(body, "net_sales") == "67.00"
    assert body["previous_range"] == {"start": "2026-02-22", "end": "2026-02-28"}
    top = body["top_customers"]
    assert [t["orders"] for t in top] == [2, 1, 1]
    assert top[0] == {"id": top[0]["id"], "name": "Ada L", "email": "ada@example.com", "orders": 2,
                      "net_sales": "40.00"}
    assert top[0]["id"] is not None and top[1]["id"] is None


def test_aov_ignores_later_refunds_and_days_are_zero_filled(shop: Shop) -> None:
    write_order(shop.id, "o1", "2026-04-01T18:00", [Line(2, "50", discount="10")], customer="a")
    write_order(shop.id, "o2", "2026-04-03T18:00", [Line(1, "30")], customer="b")
    before = dashboard(shop, date(2026, 4, 1), date(2026, 4, 3))
    write_order(shop.id, "o1", "2026-04-01T18:00", [Line(2, "50", discount="10")], customer="a",
                updated="2026-04-20T18:00",
                refunds=(RefundSpec("r1", "2026-04-20T18:00", [(0, 2, "90", "0")]),))
    after = dashboard(shop, date(2026, 4, 1), date(2026, 4, 3))
    assert kpi(before, "aov") == kpi(after, "aov") == "60.00"
    assert [d["orders"] for d in after["by_day"]] == [1, 0, 1]
    assert after["by_day"][1] == {"date": "2026-04-02", "orders": 0, "net_sales": "0.00",
                                  "gross_sales": "0.00"}
    refund_day = dashboard(shop, date(2026, 4, 20), date(2026, 4, 20))
    assert kpi(refund_day, "net_sales") == "-90.00" and kpi(refund_day, "orders") == 0
    assert kpi(refund_day, "aov") == "0.00"
    # The order-attributed top list charges the refund back to the order.
    assert after["top_customers"][0]["net_sales"] == "30.00"


def test_change_against_the_previous_period(shop: Shop) -> None:
    write_order(shop.id, "p1", "2026-05-01T18:00", [Line(1, "40")], customer="a")
    write_order(shop.id, "n1", "2026-05-02T18:00", [Line(1, "50")], customer="a")
    body = dashboard(shop, date(2026, 5, 2), date(2026, 5, 2))
    net = body["kpis"]["net_sales"]
    assert (net["value"], net["previous"], net["change_pct"]) == ("50.00", "40.00", 25.0)
    assert body["kpis"]["new_customers"]["change_pct"] == -100.0
    assert body["kpis"]["returning_customers"]["change_pct"] is None
    assert body["previous_by_day"][0]["net_sales"] == "40.00"
    assert Decimal(body["kpis"]["aov"]["value"]) == 50


def test_money_strings_equal_decimal_rounding_half_up() -> None:
    from decimal import ROUND_HALF_UP

    from xsight.models.types import from_minor
    from xsight.services.dashboard import _money

    values = [*range(-30_000, 30_001, 7), *range(-250, 251), 10**15 + 50, -(10**15) - 49, 123_456_789_050]
    for minor in values:
        expected = str(from_minor(minor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        assert _money(minor) == expected, minor
