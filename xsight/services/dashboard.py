"""The dashboard for a range of shop-local days, read from the rollups (METRICS.md 1.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select

from xsight.extensions import db
from xsight.models import Customer, Shop
from xsight.models.types import from_minor
from xsight.services import range_queries

MONEY_KPIS = ("gross_sales", "discounts", "returns", "net_sales", "aov")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Range:
    """An inclusive range of shop-local days."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Range:
        """Return the range of equal length just before this one."""
        return Range(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


DAILY = ("SELECT date, orders, gross_sales, discounts, returns, net_sales, aov_numerator, aov_denominator "
         "FROM daily_shop WHERE shop_id = {p} AND date BETWEEN {p} AND {p}")
ONE_DAY = timedelta(days=1)


def _daily(rows: list[Any]) -> dict[str, tuple[int, ...]]:
    """Key daily rows by ISO date (SQLite keeps dates as ISO text, PostgreSQL returns dates)."""
    if rows and isinstance(rows[0][0], str):
        return {row[0]: row[1:] for row in rows}
    return {row[0].isoformat(): row[1:] for row in rows}


def _totals(r: Range, daily: dict[str, tuple[int, ...]], customers: dict[str, int]
            ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Sum the range's daily rows (taken from `daily`) and list its days, zero-filled."""
    zero, found, by_day = _money(0), [], []
    day = r.start
    for _ in range(r.days):
        iso = day.isoformat()
        row = daily.get(iso)
        if row is None:
            by_day.append({"date": iso, "orders": 0, "net_sales": zero, "gross_sales": zero})
        else:
            found.append(row)
            by_day.append({"date": iso, "orders": int(row[0]), "net_sales": _money(int(row[4])),
                           "gross_sales": _money(int(row[1]))})
        day += ONE_DAY
    sums = [sum(map(int, column)) for column in zip(*found, strict=True)] if found else [0] * 7
    orders, gross, disc, ret, net, aov_num, aov_den = sums
    totals: dict[str, Any] = {
        "gross_sales": from_minor(gross), "discounts": from_minor(disc), "returns": from_minor(ret),
        "net_sales": from_minor(net), "orders": orders,
        "aov": from_minor(aov_num) / aov_den if aov_den else Decimal(0)}
    totals.update(customers)
    totals["returning_customer_rate"] = (
        Decimal(totals["returning_customers"]) / totals["customers"] if totals["customers"] else Decimal(0))
    return totals, by_day


def top_customers(shop_id: int, r: Range, top: int) -> list[dict[str, Any]]:
    """Return the customers with the most order-attributed net sales on orders placed in the range."""
    rows = range_queries.top_spenders(shop_id, r.start, r.end, top)
    gids = [str(key) for key, _, _ in rows if not str(key).startswith("email:")]
    c = Customer  # columns, not entities: no identity map or attribute loading for five rows
    people = {row.shopify_gid: row for row in db.session.execute(
        select(c.id, c.shopify_gid, c.first_name, c.last_name, c.email).where(
            c.shop_id == shop_id, c.shopify_gid.in_(gids)))} if gids else {}
    result = []
    for key, orders, amount in rows:
        key = str(key)
        person = people.get(key)
        name = " ".join(p for p in (person.first_name, person.last_name) if p) if person else None
        email = person.email if person else key.removeprefix("email:") if key.startswith("email:") else None
        result.append({"id": person.id if person else None, "name": name or None, "email": email,
                       "orders": int(orders), "net_sales": _money(int(amount))})
    return result


def _money(minor: int) -> str:
    """Format 1/10,000 units as cents rounded half up, exactly as str(Decimal.quantize) does ("-0.00" too)."""
    cents = (abs(minor) + 50) // 100
    return f"{'-' if minor < 0 else ''}{cents // 100}.{cents % 100:02d}"


def _change(value: Decimal | int, previous: Decimal | int) -> float | None:
    if not previous:
        return None
    return float(((Decimal(value) - Decimal(previous)) / abs(Decimal(previous)) * 100)
                 .quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _show(name: str, value: Any) -> Any:
    if name in MONEY_KPIS:
        return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))
    if name == "returning_customer_rate":
        return float(Decimal(value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    return value


def dashboard(shop: Shop, start: date, end: date, top: int = 5) -> dict[str, Any]:
    """Return KPIs with the previous period and change %, orders and net sales by day, top customers."""
    current = Range(start, end)
    previous = current.previous()
    p = range_queries.placeholder()
    bounds = (previous.start, end) if p == "%s" else (previous.start.isoformat(), end.isoformat())
    # One round trip on PostgreSQL: both periods' daily rows (they are adjacent) and customer counts.
    rows, now_counts, before_counts = range_queries.run_all([
        (DAILY.format(p=p), (shop.id, *bounds)),
        range_queries.counts_statement(shop.id, current.start, current.end, p),
        range_queries.counts_statement(shop.id, previous.start, previous.end, p)])
    daily = _daily(rows)
    now, by_day = _totals(current, daily, range_queries.counts_from_row(now_counts[0]))
    before, previous_by_day = _totals(previous, daily, range_queries.counts_from_row(before_counts[0]))
    kpis = {name: {"value": _show(name, now[name]), "previous": _show(name, before[name]),
                   "change_pct": _change(now[name], before[name])} for name in now}
    return {
        "range": {"start": start.isoformat(), "end": end.isoformat()},
        "previous_range": {"start": previous.start.isoformat(), "end": previous.end.isoformat()},
        "currency": shop.currency, "kpis": kpis, "by_day": by_day, "previous_by_day": previous_by_day,
        "top_customers": top_customers(shop.id, current, top),
    }
