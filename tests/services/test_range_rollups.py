"""Range rollups: incremental upkeep equals a rebuild, and range reads equal a row-by-row truth."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from sqlalchemy import delete, text

from tests.services import truth_ranges
from tests.services.orders_factory import seed_shop
from tests.services.test_rollups import _apply, actions
from xsight.extensions import db
from xsight.models import Order, Shop
from xsight.models.types import from_minor
from xsight.services import range_queries, range_rollup, rollups

TABLES = {"customer_days": "customer_key, day, day_number, orders, net, lq_orders, lq_net, is_returning, "
                           "first_order, "
                           "prev_number, prev_returning_number",
          "range_counts": "kind, level, bucket, prev_week, n",
          "customer_month_spend": "customer_key, month, positive"}


@pytest.fixture
def shop(app: Flask, make_shop: Callable[..., Shop]) -> Any:
    s = make_shop(iana_timezone="America/Los_Angeles")
    with app.app_context():
        yield s


def snapshot(shop_id: int) -> dict[str, list[tuple[Any, ...]]]:
    return {t: sorted(tuple(r) for r in db.session.execute(text(
        f"SELECT {cols} FROM {t} WHERE shop_id = :s"), {"s": shop_id}))  # noqa: S608
        for t, cols in TABLES.items()}


def ranges(first: date, last: date) -> list[tuple[date, date]]:
    """Ranges of 1-45 days starting on every third day (all weekday offsets, whole and partial weeks)."""
    out = []
    day = first - timedelta(days=3)
    while day <= last:
        out.extend((day, day + timedelta(days=n - 1)) for n in (1, 2, 6, 7, 8, 13, 15, 29, 45))
        day += timedelta(days=3)
    return out


def assert_ranges_match_truth(shop_id: int, first: date, last: date, top: int = 3) -> None:
    orders = truth_ranges.counted_orders(shop_id)
    days: dict[tuple[str, date], list[Any]] = {}
    for o in orders:
        row = days.setdefault((o.key, o.day), [0, 0, 0, 0])
        row[0] += 1
        row[1] += o.net
        row[2] += o.lq
        row[3] += o.net if o.lq else 0
    got = {(k, date.fromisoformat(str(d))): [n, from_minor(net), lq, from_minor(lq_net)]
           for k, d, n, net, lq, lq_net in db.session.execute(text(
               "SELECT customer_key, day, orders, net, lq_orders, lq_net FROM customer_days "
               "WHERE shop_id = :s"),
               {"s": shop_id})}
    assert got == days
    for start, end in ranges(first, last):
        counts, ranked = truth_ranges.range_figures(orders, start, end)
        assert range_queries.customer_counts(shop_id, start, end) == counts, (start, end)
        got = [(k, n, from_minor(net)) for k, n, net in range_queries.top_spenders(shop_id, start, end, top)]
        assert got == ranked[:top], (start, end)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=actions)
def test_incremental_upkeep_equals_rebuild_and_truth(shop: Shop, steps: list[Any]) -> None:
    db.session.execute(delete(Order).where(Order.shop_id == shop.id))
    rollups.rebuild(db.session, shop.id)
    for step in steps:
        _apply(shop.id, step)
    kept = snapshot(shop.id)
    assert all(n > 0 for *_, n in kept["range_counts"])
    assert_ranges_match_truth(shop.id, date(2026, 2, 28), date(2026, 4, 20))
    rollups.rebuild(db.session, shop.id)
    assert snapshot(shop.id) == kept


def test_top_customers_threshold_search_on_a_simulated_shop(shop: Shop,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    seed_shop(shop.id, 400, weeks=40.0)
    orders = truth_ranges.counted_orders(shop.id)
    last = max(o.day for o in orders)
    rounds: list[int] = []
    floors = 0
    read_lists = range_queries._read_lists
    monkeypatch.setattr(range_queries, "_read_lists",
                        lambda *a: rounds.append(a[-1]) or read_lists(*a))  # type: ignore[func-returns-value]
    for start, end in [(last - timedelta(days=n), last) for n in (0, 6, 29, 90, 279)]:
        _, ranked = truth_ranges.range_figures(orders, start, end)
        for top, first_read in ((1, 1), (2, 1), (5, 32), (40, 32)):  # first_read 1: a tiny first round
            monkeypatch.setattr(range_queries, "FIRST_READ", first_read)
            rounds.clear()
            got = [(k, n, from_minor(v)) for k, n, v in range_queries.top_spenders(shop.id, start, end, top)]
            assert got == ranked[:top], (start, end, top)
            # Once a floor is set, that round reads every row above it, so it is the last.
            assert rounds and not any(rounds[:-1]), (start, end, top, rounds)
            floors += bool(rounds[-1])
    assert floors >= 5  # the floor round is exercised
    monkeypatch.setattr(range_queries, "MAX_CANDIDATES", 10)  # force the grouped-scan fallback
    start, end = last - timedelta(days=200), last
    _, ranked = truth_ranges.range_figures(orders, start, end)
    got = [(k, n, from_minor(v)) for k, n, v in range_queries.top_spenders(shop.id, start, end, 5)]
    assert got == ranked[:5]


def test_range_reads_on_a_simulated_shop(shop: Shop) -> None:
    seed_shop(shop.id, 150, weeks=30.0)
    orders = truth_ranges.counted_orders(shop.id)
    last = max(o.day for o in orders)
    expected = [truth_ranges.range_figures(orders, last - timedelta(days=n), last)[0] for n in (6, 60, 200)]
    assert all(c["customers"] > 0 for c in expected)
    assert expected == [range_queries.customer_counts(shop.id, last - timedelta(days=n), last)
                             for n in (6, 60, 200)]


def test_a_shop_filled_in_key_ranges_equals_one_filled_at_once(shop: Shop,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A 1M-order shop is filled FILL_CUSTOMERS customers at a time (memory); the rows are the same."""
    seed_shop(shop.id, 150, weeks=30.0)
    whole = snapshot(shop.id)
    assert len({k for k, *_ in whole["customer_days"]}) > 100
    reads: list[Any] = []
    read_days = range_rollup._read_days
    monkeypatch.setattr(range_rollup, "_read_days", lambda *a: reads.append(a[2]) or read_days(*a))
    monkeypatch.setattr(range_rollup, "FILL_CUSTOMERS", 7)
    rollups.rebuild(db.session, shop.id)
    assert snapshot(shop.id) == whole
    assert len(reads) > 15 and reads[0][0] is None and reads[-1][1] is None  # open first and last ranges
    assert all(a[1] == b[0] for a, b in itertools.pairwise(reads))  # ranges meet: no key falls between
    assert_ranges_match_truth(shop.id, date(2026, 5, 1), date(2026, 6, 30))
