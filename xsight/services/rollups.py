"""Keep the rollup tables exact: recompute the days and customers a batch of writes touched.

`refresh` runs after each webhook or incremental page (same transaction as the upserts); `rebuild`
recomputes a whole shop once, at the end of a backfill. Both derive everything from the raw tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from operator import itemgetter
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, text

from xsight.db_setup import sqlite_page_cache
from xsight.models import Order, OrderLineItem, Refund, Shop
from xsight.models.rollup import CustomerMonth, CustomerStats, DailyShop, OrderEvent
from xsight.services import locks, range_rollup, raw_sql
from xsight.services.crm import facts as crm_facts
from xsight.services.order_events import AnySession, LocalDays, events_for_orders

CHUNK = 500  # values per IN (...) list
REBUILD_ORDERS = 5_000  # orders per rebuild step
SQLITE_REBUILD_CACHE_KB = 65_536  # page cache of the rebuilding connection, for the rebuild only
E = OrderEvent


def _chunks(values: Iterable[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start:start + size]


EVENT_COLUMNS = tuple(c.name for c in OrderEvent.__table__.columns if c.name != "id")


def _insert_events(session: AnySession, events: list[dict[str, Any]]) -> None:
    """Insert event dicts through the DB-API, converting values with the columns' own bind processors."""
    if not events:
        return
    dialect = session.get_bind().dialect
    table = OrderEvent.__table__
    procs = [(i, p) for i, c in enumerate(EVENT_COLUMNS) if (p := table.c[c].type.bind_processor(dialect))]
    values = itemgetter(*EVENT_COLUMNS)
    rows = []
    for e in events:
        row = list(values(e))
        for i, p in procs:
            row[i] = p(row[i])
        rows.append(row)
    raw_sql.insert_many("order_events", EVENT_COLUMNS, rows, session)


def _shop(session: AnySession, shop_id: int) -> tuple[str, LocalDays]:
    shop = session.get(Shop, shop_id)
    assert shop is not None, f"shop {shop_id} does not exist"
    return shop.currency, LocalDays(shop.iana_timezone)


def refresh(session: AnySession, shop_id: int, *, order_gids: Iterable[str] = (),
            customer_gids: Iterable[str] = ()) -> None:
    """Recompute the events of these orders and every day and customer they touch, before or now."""
    locks.shop_rollups(session, shop_id)
    gids = sorted(set(order_gids))
    days: set[date] = set()
    keys: set[str] = set(customer_gids)
    if gids:
        currency, to_day = _shop(session, shop_id)
        for part in _chunks(gids):
            # units_ordered is not in the covering range index, so SQLite (without ANALYZE
            # statistics) takes the (shop_id, order_gid) index instead of scanning that one.
            for day, key, _ in session.execute(select(E.local_date, E.customer_key, E.units_ordered).where(
                    E.shop_id == shop_id, E.order_gid.in_(part))):
                days.add(day)
                if key:
                    keys.add(key)
            session.execute(delete(E).where(E.shop_id == shop_id, E.order_gid.in_(part)))
            ids = select(Order.id).where(Order.shop_id == shop_id, Order.shopify_gid.in_(part))
            events = events_for_orders(
                session, shop_id, currency, to_day, Order.shopify_gid.in_(part),
                OrderLineItem.order_id.in_(ids), Refund.order_id.in_(ids))
            _insert_events(session, events)
            days.update(e["local_date"] for e in events)
            keys.update(e["customer_key"] for e in events if e["customer_key"])
    for part in _chunks(sorted(days)):
        session.execute(delete(DailyShop).where(DailyShop.shop_id == shop_id, DailyShop.date.in_(part)))
        _fill_days(session, shop_id, E.local_date.in_(part))
    for part in _chunks(sorted(keys)):
        _refresh_customers(session, shop_id, part)


def refresh_written(session: AnySession, writer: Any) -> None:
    """Refresh the rollups for what `writer` has flushed since the last call, then forget it."""
    touched = writer.take_touched()
    refresh(session, writer.shop_id, order_gids=touched["orders"], customer_gids=touched["customers"])


def rebuild(session: AnySession, shop_id: int) -> None:
    """Recompute every rollup of the shop from its raw rows (after a backfill)."""
    locks.shop_rollups(session, shop_id)
    # Index inserts of 10^6 events thrash SQLite's default 2 MB page cache; no memory map (decision 078).
    with sqlite_page_cache(session, SQLITE_REBUILD_CACHE_KB, mmap=False):
        _rebuild(session, shop_id)


def _rebuild(session: AnySession, shop_id: int) -> None:
    currency, to_day = _shop(session, shop_id)
    for table in (OrderEvent, DailyShop, CustomerStats, CustomerMonth):
        session.execute(delete(table).where(table.shop_id == shop_id))
    first, last = session.execute(select(func.min(Order.id), func.max(Order.id))
                                  .where(Order.shop_id == shop_id)).one()
    after = (first or 1) - 1
    while last is not None and after < last:
        ids = _next_order_ids(session, shop_id, after, last)
        lo, hi = ids[0], ids[-1]
        events = events_for_orders(
            session, shop_id, currency, to_day, Order.id.between(lo, hi),
            OrderLineItem.order_id.between(lo, hi), Refund.order_id.between(lo, hi))
        _insert_events(session, events)
        after = hi
    _fill_days(session, shop_id, None)
    _fill_customers(session, shop_id, None)
    range_rollup.fill_shop(session, shop_id)
    crm_facts.rebuild(session, shop_id)


def _next_order_ids(session: AnySession, shop_id: int, after: int, last: int) -> list[int]:
    """Return the shop's next REBUILD_ORDERS order ids in (`after`, `last`], in id order."""
    if session.get_bind().dialect.name == "sqlite":
        # Without statistics SQLite takes a (shop_id, …) index and sorts every later id of the
        # shop at each step: 70 to 170 ms a step at 10^6 orders. The rowid walk stops at the
        # limit, and within the shop's own id span it passes other shops' rows only between its own.
        return list(session.scalars(text(
            "SELECT id FROM orders NOT INDEXED WHERE shop_id = :shop AND id > :after "
            "AND id <= :last ORDER BY id LIMIT :n"),
            {"shop": shop_id, "after": after, "last": last, "n": REBUILD_ORDERS}))
    return list(session.scalars(select(Order.id).where(Order.shop_id == shop_id, Order.id > after,
                                                       Order.id <= last)
                                .order_by(Order.id).limit(REBUILD_ORDERS)))


def _fill_days(session: AnySession, shop_id: int, where: Any) -> None:
    s = func.sum
    net = s(E.gross) - s(E.discounts) - s(E.returns)
    aov = s(E.gross * E.orders) - s(E.discounts * E.orders)
    query = select(literal(shop_id), E.local_date, s(E.orders), s(E.orders_cancelled), s(E.gross),
                   s(E.discounts), s(E.returns), net, s(E.shipping), s(E.taxes), s(E.gift_card_sales),
                   s(E.units_ordered), s(E.units_reversed), aov, s(E.orders)
                   ).where(E.shop_id == shop_id).group_by(E.local_date)
    if where is not None:
        query = query.where(where)
    d = DailyShop
    session.execute(insert(d).from_select(
        [d.shop_id, d.date, d.orders, d.orders_cancelled, d.gross_sales, d.discounts, d.returns,
         d.net_sales, d.shipping, d.taxes, d.gift_card_sales, d.units_ordered, d.units_reversed,
         d.aov_numerator, d.aov_denominator], query))


def _refresh_customers(session: AnySession, shop_id: int, keys: list[str]) -> None:
    for table in (CustomerStats, CustomerMonth):
        session.execute(delete(table).where(table.shop_id == shop_id, table.customer_key.in_(keys)))
    _fill_customers(session, shop_id, E.customer_key.in_(keys))
    range_rollup.refresh_keys(session, shop_id, keys)
    crm_facts.refresh(session, shop_id, keys)


def _fill_customers(session: AnySession, shop_id: int, where: Any) -> None:
    s = func.sum
    lq = [E.shop_id == shop_id, E.kind == "order", E.qualifies.is_(True), E.customer_key.is_not(None)]
    if where is not None:
        lq.append(where)
    # One pass: whole-partition window sums per customer, kept on the customer's first order's row.
    key = E.customer_key
    ranked = (select(
        E.customer_key, E.order_gid, E.processed_at, E.local_date,
        func.max(E.processed_at).over(partition_by=key).label("last_at"),
        func.max(E.local_date).over(partition_by=key).label("last_date"),
        func.count().over(partition_by=key).label("n"), s(E.gross).over(partition_by=key).label("gross"),
        s(E.discounts).over(partition_by=key).label("disc"),
        s(E.attributed_net).over(partition_by=key).label("net"),
        func.row_number().over(partition_by=E.customer_key, order_by=(E.processed_at, E.order_id))
        .label("rank")).where(*lq).subquery())
    r = ranked.c
    c = CustomerStats
    query = select(literal(shop_id), r.customer_key, r.order_gid, r.processed_at, r.local_date, r.last_at,
                   r.last_date, r.n, r.gross, r.disc, r.gross - r.disc - r.net, r.net,
                   r.net / r.n).where(r.rank == 1)
    session.execute(insert(c).from_select(
        [c.shop_id, c.customer_key, c.first_order_gid, c.first_order_at, c.first_order_date,
         c.last_order_at, c.last_order_date, c.lifetime_orders, c.gross_sales, c.discounts,
         c.returns, c.net_sales, c.avg_net_order_value], query))
    m = CustomerMonth
    months = (select(literal(shop_id), E.customer_key, E.local_month, func.count(), s(E.attributed_net))
              .where(*lq).group_by(E.customer_key, E.local_month))
    session.execute(insert(m).from_select(
        [m.shop_id, m.customer_key, m.month, m.orders, m.net_sales], months))
