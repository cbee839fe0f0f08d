"""Range reads for the dashboard from the range rollups (decision 032): distinct counts and top spenders."""

from __future__ import annotations

import heapq
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select, true

from xsight.extensions import db
from xsight.models.rollup import OrderEvent as E

GRID = ("(SELECT coalesce(sum(n), 0) FROM range_counts WHERE shop_id = {p} AND kind = '{kind}' "
        "AND level = {level} AND bucket BETWEEN {p} AND {p} AND prev_week < {p})")
# Rows whose previous day lies in the 0-6 days of s's week before s (the grid cannot split that week).
STRADDLE = ("(SELECT count(*) FROM customer_days WHERE shop_id = {p} AND {col} >= {p} AND {col} < {p} "
            "AND day_number BETWEEN {p} AND {p})")
PREVIOUS = {"c": "prev_number", "r": "prev_returning_number"}
LIST = ("SELECT {i}, customer_key, positive FROM (SELECT customer_key, positive FROM customer_month_spend "
        "WHERE shop_id = {p} AND month = {p} AND positive >= {p} ORDER BY positive DESC, customer_key DESC "
        "LIMIT {p} OFFSET {p}) m{i}")
EXACT = ("SELECT customer_key, sum(orders), sum(net) FROM customer_days WHERE shop_id = {p} "
         "AND customer_key {keys} AND day_number BETWEEN {p} AND {p} GROUP BY customer_key")
# Only the keys whose positive spend over the range's months reaches a bound: an upper bound of the net.
# SQLite must look each key up ("+month" hides the month from its planner, which would otherwise walk
# the list index over every row of those months).
AT_LEAST = ("(SELECT customer_key FROM customer_month_spend WHERE shop_id = {p} AND customer_key {keys} "
            "AND {month} BETWEEN {p} AND {p} GROUP BY customer_key HAVING sum(positive) >= {p})")
# PostgreSQL: one fixed statement text whatever the number of months or keys (arrays and one JSON list,
# not generated placeholders), so psycopg converts it once per process instead of regex-splitting a
# statement with hundreds of placeholders on every call. Not prepared: the pool's ROLLBACK at the end of
# a request makes psycopg drop its prepared statements (DEALLOCATE ALL, one more round trip), and
# planning these takes < 0.1 ms (EXPLAIN SUMMARY, decision 038).
LISTS_PG = ("SELECT m.i - 1, s.customer_key, s.positive FROM unnest(%s::date[], %s::int[]) "
            "WITH ORDINALITY AS m(month, skip, i) CROSS JOIN LATERAL (SELECT customer_key, positive "
            "FROM customer_month_spend WHERE shop_id = %s AND month = m.month AND positive >= %s "
            "ORDER BY positive DESC, customer_key DESC LIMIT %s OFFSET m.skip) s "
            "ORDER BY m.i, s.positive DESC, s.customer_key DESC")
JSON_KEYS = "= ANY(ARRAY(SELECT json_array_elements_text(%s::json)))"
FIRST_READ = 32  # rows per month list in the first round (at least 4 x top); then one floor round
# Over 3+ months the first round reads fewer rows per list (a week's range needs 32 to find a floor
# high enough; 90-730 days do with 20: ~1.3 ms less server time for two years, decision 038).
LONG_FIRST_READ, LONG_MONTHS = 20, 3
MAX_CANDIDATES = 20_000  # past this the threshold search gives up and groups the range's events
# Floor rounds over at least this many months look up each candidate's month spend first and sum the
# days of only those that can still rank: for two-year ranges that is ~1.5 ms less server time, for
# ranges of a few months it costs about what it saves, for a week it costs more (decision 038).
BOUND_MONTHS = 12
Statement = tuple[str, Sequence[Any]]


def customer_counts(shop_id: int, start: date, end: date) -> dict[str, int]:
    """Distinct customers with a counted order, new customers and returning customers in [start, end]."""
    (rows,) = run_all([counts_statement(shop_id, start, end, placeholder())])
    return counts_from_row(rows[0])


def counts_statement(shop_id: int, start: date, end: date, p: str) -> Statement:
    """Return the one statement that counts customers, new and returning customers in [start, end].

    Each is the number of customer days (of that kind) in the range whose previous one is before start,
    or missing: the grid's block and day rows with an earlier previous week, plus the rows whose previous
    day falls in start's week before start.
    """
    s, e = start.toordinal(), end.toordinal()
    week = s // 7
    first_block, last_block = -(-s // 7), (e + 1) // 7 - 1
    if first_block <= last_block:
        spans = [(1, first_block, last_block), (0, s, 7 * first_block - 1), (0, 7 * (last_block + 1), e)]
    else:
        spans = [(0, s, e)]
    columns, params = [], []
    for kind in ("c", "n", "r"):
        parts = []
        for level, lo, hi in spans:
            if lo <= hi:
                parts.append(GRID.format(p=p, kind=kind, level=level))
                params += [shop_id, lo, hi, week]
        if kind in PREVIOUS and s > 7 * week:
            parts.append(STRADDLE.format(p=p, col=PREVIOUS[kind]))
            params += [shop_id, 7 * week, s, s, e]
        columns.append(" + ".join(parts) or "0")
    return "SELECT " + ", ".join(columns), params


def counts_from_row(row: Sequence[Any]) -> dict[str, int]:
    """Name the three counts of a `counts_statement` row."""
    customers, new, returning = (int(v) for v in row)
    return {"customers": customers, "new_customers": new, "returning_customers": returning}


def run_all(statements: list[Statement]) -> list[list[Any]]:
    """Run independent statements and return each one's rows: one round trip on PostgreSQL (pipeline)."""
    fairy = db.session.connection().connection
    cursors = [fairy.cursor() for _ in statements]
    try:
        if placeholder() == "?":
            return [list(cursor.execute(*statement).fetchall()) for cursor, statement in zip(
                cursors, statements, strict=True)]
        driver: Any = fairy.driver_connection
        with driver.pipeline():
            for cursor, statement in zip(cursors, statements, strict=True):
                cursor.execute(*statement)
        return [list(cursor.fetchall()) for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


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
    read so far is above that. When the first round is not enough, the second reads, in each month still
    open, every row of at least ceil(T / months) (T: the top-th exact net so far): an unseen customer is
    then below T, so no third round is needed. Ties rank by customer key (code-point order).
    """
    if top <= 0:
        return []
    s, e = start.toordinal(), end.toordinal()
    last: dict[date, int] = {m: 0 for m in _months(start, end)}
    read = dict.fromkeys(last, 0)
    open_lists = set(last)
    exact: dict[str, tuple[int, int]] = {}
    seen: set[str] = set()
    first_read = min(FIRST_READ, LONG_FIRST_READ) if len(last) >= LONG_MONTHS else FIRST_READ
    chunk, floor, threshold = max(4 * top, first_read), 0, 0
    cursor, p = _cursor()
    try:
        while True:
            months = sorted(open_lists)
            lists = _read_lists(cursor, p, shop_id, months, read, chunk, floor)
            fresh: set[str] = set()
            for month, rows in zip(months, lists, strict=True):
                read[month] += len(rows)
                last[month] = rows[-1][1] if len(rows) == chunk else 0
                if len(rows) < chunk:
                    open_lists.discard(month)
                fresh.update(key for key, _ in rows)
            fresh -= seen
            seen |= fresh
            if len(seen) > MAX_CANDIDATES or (floor and open_lists):
                return _scan(shop_id, start, end, top)
            # In the floor round T (the top-th net so far) only grows, so a customer whose positive
            # spend over the range's months is below T (an upper bound of its net) cannot rank.
            bound = (min(last), end, threshold) if floor and len(last) >= BOUND_MONTHS else None
            exact.update(_exact(cursor, p, shop_id, sorted(fresh), s, e, bound))
            # The top `top` by net, then key (keys are unique, so orders never decide).
            ranked = [(k, o, -n) for n, k, o in heapq.nsmallest(
                top, ((-n, k, o) for k, (o, n) in exact.items() if o > 0))]
            if floor or not open_lists or (len(ranked) >= top and ranked[top - 1][2] > sum(last.values())):
                return ranked[:top]
            if len(ranked) >= top and ranked[top - 1][2] > 0:
                # Rows below the floor are < T / K each, so an unseen customer's K open months sum below T.
                threshold = ranked[top - 1][2]
                floor, chunk = -(-threshold // len(open_lists)), MAX_CANDIDATES + 1
            else:
                chunk *= 2
    finally:
        cursor.close()


def _read_lists(cursor: Any, p: str, shop_id: int, months: list[date], read: dict[date, int], chunk: int,
                floor: int) -> list[list[tuple[str, int]]]:
    """Read the next `chunk` rows of at least `floor` of each month's spend list, in one statement."""
    if p == "?":
        sql = " UNION ALL ".join(LIST.format(p=p, i=i) for i in range(len(months)))
        cursor.execute(sql, [v for m in months for v in (shop_id, m.isoformat(), floor, chunk, read[m])])
    else:
        cursor.execute(LISTS_PG, (months, [read[m] for m in months], shop_id, floor, chunk))
    lists: list[list[tuple[str, int]]] = [[] for _ in months]
    for i, key, amount in cursor.fetchall():
        lists[i].append((key, int(amount)))
    return lists


def _exact(cursor: Any, p: str, shop_id: int, keys: list[str], start: int, end: int,
           bound: tuple[date, date, int] | None = None) -> dict[str, tuple[int, int]]:
    """Counted orders and net of these customers in [start, end] (DB-API: hundreds of keys per call).

    With a bound (first month, last day, amount), only of those whose positive spend in the months
    from the first one to the last day's reaches the amount.
    """
    found: dict[str, tuple[int, int]] = {}
    parts = [[json.dumps(keys, ensure_ascii=False)]] if p != "?" else [
        keys[i:i + 500] for i in range(0, len(keys), 500)]
    for part in parts if keys else []:
        match = JSON_KEYS if p != "?" else f"IN ({', '.join([p] * len(part))})"
        params: list[Any] = [shop_id, *part]
        if bound is not None:
            first, last, amount = bound
            match = ("= ANY(ARRAY{})" if p != "?" else "IN {}").format(AT_LEAST.format(
                p=p, keys=match, month="+month" if p == "?" else "month"))
            months = (first.isoformat(), last.isoformat()) if p == "?" else (first, last)
            params = [shop_id, *params, *months, amount]
        cursor.execute(EXACT.format(p=p, keys=match), (*params, start, end))
        found.update({key: (int(n), int(net)) for key, n, net in cursor.fetchall()})
    return found


def _cursor() -> tuple[Any, str]:
    """A DB-API cursor on the session's connection and its placeholder (hot loops skip SQLAlchemy)."""
    return db.session.connection().connection.cursor(), placeholder()


def placeholder() -> str:
    """Return the DB-API placeholder of the session's database ("?" for SQLite, "%s" for psycopg)."""
    return "?" if db.session.get_bind().dialect.paramstyle == "qmark" else "%s"


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
