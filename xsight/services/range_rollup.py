"""Maintain the range rollups (decision 032) from `order_events` and `customer_stats`.

One grouped read gives each customer day (counted orders, net, positive net, returning / first-order
flags) in customer-then-day order; numpy links every day to the customer's previous day (of each kind),
counts the `range_counts` cells and sums `customer_month_spend`. `fill_shop` replaces a shop's rows;
`refresh_keys` replaces some customers' rows and adds the cell differences they make, so a webhook costs a
few rows per touched customer day. Both run after `customer_stats` is current.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import bindparam, text

from xsight.services import raw_sql
from xsight.services.order_events import AnySession

# date.toordinal() of a DATE column, per dialect (SQLite keeps dates as ISO text).
DAY_NUMBER = {"sqlite": "CAST(julianday({c}) - 1721424.5 AS INTEGER)",
              "postgresql": "(({c}) - DATE '0001-01-01' + 1)"}
SPAN = 1 << 22  # > any week number + 1: packs (bucket, prev_week) into one integer
EPOCH = 719_163  # date(1970, 1, 1).toordinal()
DAYS = """
SELECT e.customer_key, e.local_date, {dn}, count(*), sum(e.attributed_net),
       sum(CASE WHEN e.attributed_net > 0 THEN e.attributed_net ELSE 0 END),
       sum(CASE WHEN e.qualifies THEN 1 ELSE 0 END),
       sum(CASE WHEN e.qualifies THEN e.attributed_net ELSE 0 END),
       max(CASE WHEN cs.first_order_gid IS NOT NULL AND e.order_gid <> cs.first_order_gid
                AND e.processed_at >= cs.first_order_at THEN 1 ELSE 0 END),
       max(CASE WHEN e.local_date = cs.first_order_date THEN 1 ELSE 0 END)
FROM order_events e LEFT JOIN customer_stats cs ON cs.shop_id = e.shop_id AND cs.customer_key = e.customer_key
WHERE e.shop_id = :shop AND e.kind = 'order' AND e.counted AND e.customer_key IS NOT NULL{keys}
GROUP BY e.customer_key, {day} ORDER BY e.customer_key, {day}
"""
OLD = ("SELECT day_number, prev_number, is_returning, prev_returning_number, first_order FROM customer_days "
       "WHERE shop_id = :shop AND customer_key IN :keys")
DAY_COLUMNS = ("shop_id", "customer_key", "day", "day_number", "orders", "net", "lq_orders", "lq_net",
               "is_returning", "first_order", "prev_number", "prev_returning_number")
UPSERT = text("INSERT INTO range_counts (shop_id, kind, level, bucket, prev_week, n) "
              "VALUES (:shop, :kind, :level, :bucket, :prev_week, :n) "
              "ON CONFLICT (shop_id, kind, level, bucket, prev_week) "
              "DO UPDATE SET n = range_counts.n + excluded.n")
DROP_EMPTY = text("DELETE FROM range_counts WHERE shop_id = :shop AND kind = :kind AND level = :level "
                  "AND bucket = :bucket AND prev_week = :prev_week AND n = 0")
Cell = tuple[str, int, int, int]
KeyRange = tuple[str | None, str | None]
# Customers per read when a whole shop is filled: all 950k customer days of a 1M-order shop at once took
# ~800 MB of Python objects for half a minute (peak RSS 1.57 GB in the backfill's rebuild step).
FILL_CUSTOMERS = 20_000


def _read_days(session: AnySession, shop_id: int, keys: list[str] | KeyRange) -> Sequence[Any]:
    """Read the customer days of these keys, or of the keys in [low, high) (None: unbounded)."""
    dialect = session.get_bind().dialect.name
    params: dict[str, Any] = {"shop": shop_id}
    if isinstance(keys, list):
        # For a few keys SQLite must walk the customer index, not the date index that suits the GROUP BY
        # ("+" hides the column from its planner).
        day = "+e.local_date" if dialect == "sqlite" else "e.local_date"
        where, params["keys"] = " AND e.customer_key IN :keys", keys
    else:
        day, where = "e.local_date", ""
        for name, op, key in (("low", ">=", keys[0]), ("high", "<", keys[1])):
            if key is not None:
                where, params[name] = f"{where} AND e.customer_key {op} :{name}", key
    sql = text(DAYS.format(dn=DAY_NUMBER[dialect].format(c="e.local_date"), day=day, keys=where))
    if "keys" in params:
        sql = sql.bindparams(bindparam("keys", expanding=True))
    return session.execute(sql, params).all()


def _links(keys: np.ndarray, day: np.ndarray, returning: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Previous day of the same customer, and previous returning day on returning days (-1: none)."""
    n = len(day)
    same = np.zeros(n, dtype=bool)
    same[1:] = keys[1:] == keys[:-1]
    prev = np.where(same, np.concatenate(([-1], day[:-1])), -1)
    index = np.arange(n)
    group_start = np.maximum.accumulate(np.where(same, 0, index))
    last_returning = np.maximum.accumulate(np.where(returning == 1, index, -1))
    before = np.concatenate(([-1], last_returning[:-1]))
    ok = (returning == 1) & (before >= group_start)
    return prev, np.where(ok, day[np.maximum(before, 0)], -1)


def _cells(day: np.ndarray, prev: np.ndarray, returning: np.ndarray, prev_returning: np.ndarray,
           first: np.ndarray) -> Counter[Cell]:
    """Count the range_counts cells these customer days make."""
    out: Counter[Cell] = Counter()
    week = lambda d: np.where(d >= 0, d // 7, -1)  # noqa: E731
    for kind, rows, prev_week in (("c", np.ones(len(day), bool), week(prev)),
                                  ("r", returning == 1, week(prev_returning)),
                                  ("n", first == 1, np.full(len(day), -1))):
        for level, bucket in ((0, day), (1, day // 7)):
            codes, counts = np.unique(bucket[rows] * SPAN + prev_week[rows] + 1, return_counts=True)
            out.update({(kind, level, b // SPAN, b % SPAN - 1): c
                        for b, c in zip(codes.tolist(), counts.tolist(), strict=True)})
    return out


def _write(session: AnySession, shop_id: int, keys: list[str] | KeyRange) -> Counter[Cell]:
    """Insert the customer days and month spend of `keys` (a list, or a key range); return their cells."""
    rows = _read_days(session, shop_id, keys)
    if not rows:
        return Counter()
    names, dates, day, orders, net, positive, lq_orders, lq_net, returning, first = zip(*rows, strict=True)
    key_arr = np.array(names, dtype=object)
    day_arr, ret_arr, first_arr = (np.array(v, dtype=np.int64) for v in (day, returning, first))
    prev, prev_ret = _links(key_arr, day_arr, ret_arr)
    none = lambda a: [None if v < 0 else v for v in a.tolist()]  # noqa: E731
    raw_sql.insert_many("customer_days", DAY_COLUMNS, list(zip(
        [shop_id] * len(rows), names, dates, day, orders, net, lq_orders, lq_net, returning, first,
        none(prev), none(prev_ret), strict=True)), session)
    # Month spend: sum positive net per (customer, month); rows are in customer order already.
    group = np.cumsum(np.concatenate(([True], key_arr[1:] != key_arr[:-1]))) - 1
    month = (day_arr - EPOCH).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    code, where, inverse = np.unique(group * 100_000 + month, return_index=True, return_inverse=True)
    sums = np.zeros(len(code), dtype=np.int64)
    np.add.at(sums, inverse, np.array(positive, dtype=np.int64))
    firsts = (code % 100_000).astype("datetime64[M]").astype("datetime64[D]").astype(object)
    sqlite = session.get_bind().dialect.name == "sqlite"
    raw_sql.insert_many("customer_month_spend", ("shop_id", "customer_key", "month", "positive"), [
        (shop_id, names[i], m.isoformat() if sqlite else m, s)
        for i, m, s in zip(where.tolist(), firsts.tolist(), sums.tolist(), strict=True)], session)
    return _cells(day_arr, prev, ret_arr, prev_ret, first_arr)


def fill_shop(session: AnySession, shop_id: int) -> None:
    """Replace the shop's range rollups with a recomputation from its events and customer stats."""
    for table in ("customer_days", "range_counts", "customer_month_spend"):
        session.execute(text(f"DELETE FROM {table} WHERE shop_id = :shop"), {"shop": shop_id})  # noqa: S608
    cells: Counter[Cell] = Counter()
    for key_range in _key_ranges(session, shop_id):  # a customer's days never span two ranges
        cells.update(_write(session, shop_id, key_range))
    raw_sql.insert_many("range_counts", ("shop_id", "kind", "level", "bucket", "prev_week", "n"),
                        [(shop_id, *cell, n) for cell, n in sorted(cells.items())], session)


def _key_ranges(session: AnySession, shop_id: int) -> list[KeyRange]:
    """Split the shop's customer keys into ranges of FILL_CUSTOMERS customers, in the database's order.

    The bounds are every FILL_CUSTOMERS-th key of `customer_stats`; the first and last ranges are open, so
    a key missing there still falls in one range.
    """
    keys = [row[0] for row in session.execute(text(
        "SELECT customer_key FROM customer_stats WHERE shop_id = :shop ORDER BY customer_key"),
        {"shop": shop_id})]
    bounds: list[str | None] = [None, *keys[FILL_CUSTOMERS::FILL_CUSTOMERS], None]
    return list(itertools.pairwise(bounds))


def refresh_keys(session: AnySession, shop_id: int, keys: list[str]) -> None:
    """Recompute these customers' rows and add the change they make to `range_counts`."""
    if not keys:
        return
    params = {"shop": shop_id, "keys": keys}
    old = session.execute(text(OLD).bindparams(bindparam("keys", expanding=True)), params).all()
    before = _cells(*(np.array([-1 if v is None else v for v in col], dtype=np.int64)
                      for col in zip(*old, strict=True))) if old else Counter()
    for table in ("customer_days", "customer_month_spend"):
        session.execute(text(f"DELETE FROM {table} WHERE shop_id = :shop AND customer_key IN :keys")  # noqa: S608
                        .bindparams(bindparam("keys", expanding=True)), params)
    after = _write(session, shop_id, keys)
    changes = [{"shop": shop_id, "kind": c[0], "level": c[1], "bucket": c[2], "prev_week": c[3],
                "n": after[c] - before[c]} for c in sorted(set(before) | set(after)) if after[c] != before[c]]
    if changes:
        session.execute(UPSERT, changes)
        session.execute(DROP_EMPTY, changes)
