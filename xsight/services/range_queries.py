"""Range reads for the dashboard from the range rollups (decision 032): distinct counts and top spenders."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, func, select, text, true

from xsight.extensions import db
from xsight.models.rollup import OrderEvent as E

GRID = text("SELECT coalesce(sum(n), 0) FROM range_counts WHERE shop_id = :shop AND kind = :kind "
            "AND level = :level AND bucket BETWEEN :lo AND :hi AND prev_week < :week")
# Rows whose previous day lies in the 0-6 days of s's week before s (the grid cannot split that week).
STRADDLE = {kind: text(f"SELECT count(*) FROM customer_days WHERE shop_id = :shop AND {col} >= :lo "  # noqa: S608
                       f"AND {col} < :start AND day_number BETWEEN :start AND :end")
            for kind, col in (("c", "prev_number"), ("r", "prev_returning_number"))}
LIST = ("SELECT customer_key, positive FROM customer_month_spend WHERE shop_id = {p} "
        "AND month = {p} ORDER BY positive DESC, customer_key DESC LIMIT {p} OFFSET {p}")
EXACT = ("SELECT customer_key, sum(orders), sum(net) FROM customer_days WHERE shop_id = {p} "
         "AND customer_key IN ({keys}) AND day_number BETWEEN {p} AND {p} GROUP BY customer_key")
FIRST_READ = 32  # rows read per month list in the first round (at least 4 x top); doubles each round
MAX_CANDIDATES = 20_000  # past this the threshold search gives up and groups the range's events


def _first_days(shop_id: int, kind: str, start: int, end: int) -> int:
    """Count customer days of `kind` in [start, end] whose previous one is before start (or missing)."""
    week = start // 7
    first_block, last_block = -(-start // 7), (end + 1) // 7 - 1
    if first_block <= last_block:
        spans = [(1, first_block, last_block), (0, start, 7 * first_block - 1),
                 (0, 7 * (last_block + 1), end)]
    else:
        spans = [(0, start, end)]
    total = 0
    for level, lo, hi in spans:
        if lo <= hi:
            total += int(db.session.scalar(GRID, {"shop": shop_id, "kind": kind, "level": level, "lo": lo,
                                                  "hi": hi, "week": week}) or 0)
    if kind in STRADDLE and start > 7 * week:
        total += int(db.session.scalar(STRADDLE[kind], {"shop": shop_id, "lo": 7 * week, "start": start,
                                                        "end": end}) or 0)
    return total


def customer_counts(shop_id: int, start: date, end: date) -> dict[str, int]:
    """Distinct customers with a counted order, new customers and returning customers in [start, end]."""
    s, e = start.toordinal(), end.toordinal()
    return {"customers": _first_days(shop_id, "c", s, e), "new_customers": _first_days(shop_id, "n", s, e),
            "returning_customers": _first_days(shop_id, "r", s, e)}


def _months(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)
    return months


def top_spenders(shop_id: int, start: date, end: date, top: int) -> list[tuple[str, int, int]]:
    """Return (customer key, counted orders, order-attributed net) of the top customers placed in range.

    Threshold search: read each overlapping month's customers by positive spend, highest first; an unseen
    customer's range net is at most the sum of the last values read, so stop once the top-th exact net
    read so far is above that. Ties rank by customer key (code-point order).
    """
    if top <= 0:
        return []
    s, e = start.toordinal(), end.toordinal()
    last: dict[date, int] = {m: 0 for m in _months(start, end)}
    read = dict.fromkeys(last, 0)
    open_lists = set(last)
    exact: dict[str, tuple[int, int]] = {}
    seen: set[str] = set()
    chunk = max(4 * top, FIRST_READ)
    cursor, p = _cursor()
    try:
        while True:
            fresh: set[str] = set()
            for month in sorted(open_lists):
                day = month.isoformat() if p == "?" else month  # SQLite keeps dates as ISO text
                cursor.execute(LIST.format(p=p), (shop_id, day, chunk, read[month]))
                rows = cursor.fetchall()
                read[month] += len(rows)
                last[month] = int(rows[-1][1]) if len(rows) == chunk else 0
                if len(rows) < chunk:
                    open_lists.discard(month)
                fresh.update(key for key, _ in rows if key not in seen)
            seen |= fresh
            if len(seen) > MAX_CANDIDATES:
                return _scan(shop_id, start, end, top)
            exact.update(_exact(cursor, p, shop_id, sorted(fresh), s, e))
            ranked = sorted(((k, o, n) for k, (o, n) in exact.items() if o > 0), key=lambda t: (-t[2], t[0]))
            if not open_lists or (len(ranked) >= top and ranked[top - 1][2] > sum(last.values())):
                return ranked[:top]
            chunk *= 2
    finally:
        cursor.close()


def _exact(cursor: Any, p: str, shop_id: int, keys: list[str], start: int, end: int
           ) -> dict[str, tuple[int, int]]:
    """Counted orders and net of these customers in [start, end] (DB-API: hundreds of keys per call)."""
    found: dict[str, tuple[int, int]] = {}
    for i in range(0, len(keys), 500):
        part = keys[i:i + 500]
        cursor.execute(EXACT.format(p=p, keys=", ".join([p] * len(part))), (shop_id, *part, start, end))
        found.update({key: (int(n), int(net)) for key, n, net in cursor.fetchall()})
    return found


def _cursor() -> tuple[Any, str]:
    """A DB-API cursor on the session's connection and its placeholder (hot loops skip SQLAlchemy)."""
    return (db.session.connection().connection.cursor(),
            "?" if db.session.get_bind().dialect.paramstyle == "qmark" else "%s")


def _scan(shop_id: int, start: date, end: date, top: int) -> list[tuple[str, int, int]]:
    """Group the range's order events by customer (fallback when the threshold search is not selective)."""
    net = func.sum(E.attributed_net)
    rows = db.session.execute(
        select(E.customer_key, func.count(), net).where(
            E.shop_id == shop_id, E.kind == "order", E.counted == true(),
            and_(E.local_date >= start, E.local_date <= end), E.customer_key.is_not(None))
        .group_by(E.customer_key)).all()
    ranked: list[Any] = sorted(((str(k), int(o), int(n)) for k, o, n in rows), key=lambda t: (-t[2], t[0]))
    return ranked[:top]
