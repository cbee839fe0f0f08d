"""Maintain the range rollups (decision 032) from `order_events` and `customer_stats`, set-based.

`fill_shop` rebuilds a shop's `customer_days`, `range_counts` and `customer_month_spend`; `refresh_keys`
recomputes the rows of some customer keys and applies the difference they make to `range_counts`, so a
webhook costs a few rows per touched customer day. Both run after `customer_stats` is current.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import bindparam, text

from xsight.services.order_events import AnySession

# date.toordinal() of a DATE column, per dialect (SQLite keeps dates as ISO text).
DAY_NUMBER = {"sqlite": "CAST(julianday({c}) - 1721424.5 AS INTEGER)",
              "postgresql": "(({c}) - DATE '0001-01-01' + 1)"}
KEYS = " AND {c} IN :keys"

CUSTOMER_DAYS = """
INSERT INTO customer_days (shop_id, customer_key, day, day_number, orders, net, is_returning, first_order,
                           prev_number, prev_returning_number)
SELECT :shop, k, d, dn, n, net, ret, fst, LAG(dn) OVER (PARTITION BY k ORDER BY dn),
       CASE WHEN ret = 1 THEN MAX(CASE WHEN ret = 1 THEN dn END) OVER (
           PARTITION BY k ORDER BY dn ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) END
FROM (SELECT e.customer_key AS k, e.local_date AS d, {dn} AS dn, count(*) AS n, sum(e.attributed_net) AS net,
             max(CASE WHEN cs.first_order_gid IS NOT NULL AND e.order_gid <> cs.first_order_gid
                      AND e.processed_at >= cs.first_order_at THEN 1 ELSE 0 END) AS ret,
             max(CASE WHEN e.local_date = cs.first_order_date THEN 1 ELSE 0 END) AS fst
      FROM order_events e LEFT JOIN customer_stats cs
           ON cs.shop_id = e.shop_id AND cs.customer_key = e.customer_key
      WHERE e.shop_id = :shop AND e.kind = 'order' AND e.counted AND e.customer_key IS NOT NULL{keys}
      GROUP BY e.customer_key, e.local_date) t
"""

MONTH_SPEND = """
INSERT INTO customer_month_spend (shop_id, customer_key, month, positive)
SELECT :shop, customer_key, local_month, sum(CASE WHEN attributed_net > 0 THEN attributed_net ELSE 0 END)
FROM order_events
WHERE shop_id = :shop AND kind = 'order' AND counted AND customer_key IS NOT NULL{keys}
GROUP BY customer_key, local_month
"""

_PREV = {"c": "prev_number", "r": "prev_returning_number", "n": None}
_ONLY = {"c": "", "r": " AND is_returning = 1", "n": " AND first_order = 1"}


def _grid_select(keys: bool) -> str:
    parts = []
    for kind, prev in _PREV.items():
        week = f"COALESCE({prev} / 7, -1)" if prev else "-1"
        for level, bucket in ((0, "day_number"), (1, "day_number / 7")):
            parts.append(f"SELECT '{kind}' AS kind, {level} AS level, {bucket} AS bucket, "  # noqa: S608
                         f"{week} AS prev_week, count(*) AS n FROM customer_days "
                         f"WHERE shop_id = :shop{_ONLY[kind]}"
                         f"{KEYS.format(c='customer_key') if keys else ''} GROUP BY {bucket}{', ' + week if prev else ''}")
    return " UNION ALL ".join(parts)


UPSERT = text("INSERT INTO range_counts (shop_id, kind, level, bucket, prev_week, n) "
              "VALUES (:shop, :kind, :level, :bucket, :prev_week, :n) "
              "ON CONFLICT (shop_id, kind, level, bucket, prev_week) "
              "DO UPDATE SET n = range_counts.n + excluded.n")
DROP_EMPTY = text("DELETE FROM range_counts WHERE shop_id = :shop AND kind = :kind AND level = :level "
                  "AND bucket = :bucket AND prev_week = :prev_week AND n = 0")


def _sql(session: AnySession, template: str, keys: bool, column: str = "customer_key") -> Any:
    dialect = session.get_bind().dialect.name
    sql = text(template.format(dn=DAY_NUMBER[dialect].format(c="e.local_date"),
                               keys=KEYS.format(c=column) if keys else ""))
    return sql.bindparams(bindparam("keys", expanding=True)) if keys else sql


def fill_shop(session: AnySession, shop_id: int) -> None:
    """Replace the shop's range rollups with a recomputation from its events and customer stats."""
    for table in ("customer_days", "range_counts", "customer_month_spend"):
        session.execute(text(f"DELETE FROM {table} WHERE shop_id = :shop"), {"shop": shop_id})  # noqa: S608
    session.execute(_sql(session, CUSTOMER_DAYS, False), {"shop": shop_id})
    session.execute(_sql(session, MONTH_SPEND, False), {"shop": shop_id})
    session.execute(text("INSERT INTO range_counts (shop_id, kind, level, bucket, prev_week, n) "  # noqa: S608
                         f"SELECT :shop, kind, level, bucket, prev_week, n FROM ({_grid_select(False)}) g"),
                    {"shop": shop_id})


def _grid(session: AnySession, shop_id: int, keys: list[str]) -> Counter[tuple[str, int, int, int]]:
    sql = text(_grid_select(True)).bindparams(bindparam("keys", expanding=True))
    return Counter({(k, int(lv), int(b), int(w)): int(n)
                    for k, lv, b, w, n in session.execute(sql, {"shop": shop_id, "keys": keys})})


def refresh_keys(session: AnySession, shop_id: int, keys: list[str]) -> None:
    """Recompute these customers' rows and add the change they make to `range_counts`."""
    if not keys:
        return
    before = _grid(session, shop_id, keys)
    params = {"shop": shop_id, "keys": keys}
    for table in ("customer_days", "customer_month_spend"):
        session.execute(text(f"DELETE FROM {table} WHERE shop_id = :shop AND customer_key IN :keys")  # noqa: S608
                        .bindparams(bindparam("keys", expanding=True)), params)
    session.execute(_sql(session, CUSTOMER_DAYS, True, "e.customer_key"), params)
    session.execute(_sql(session, MONTH_SPEND, True), params)
    after = _grid(session, shop_id, keys)
    changes = [{"shop": shop_id, "kind": c[0], "level": c[1], "bucket": c[2], "prev_week": c[3],
                "n": after[c] - before[c]} for c in sorted(set(before) | set(after)) if after[c] != before[c]]
    if changes:
        session.execute(UPSERT, changes)
        session.execute(DROP_EMPTY, changes)
