"""Set-based upserts of Shopify rows, parents before children, newest version wins."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, and_, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, scoped_session

from xsight.models import (
    Customer,
    Order,
    OrderLineItem,
    Product,
    ProductVariant,
    Refund,
    RefundLineItem,
)
from xsight.models.types import utcnow
from xsight.services import locks
from xsight.services.ingest import raw_upsert

Row = dict[str, Any]
DEFAULT_BATCH = 2000
LOOKUP_CHUNK = 500  # gids per IN (...) lookup, well under SQLite's parameter limit
ID_CACHE_LIMIT = 100_000  # parent gid -> id entries kept between flushes


@dataclass(frozen=True)
class Spec:
    """How one table is written: its parent table and the foreign key that points at it."""

    table: Table
    parent: str | None = None
    fk: str | None = None


SPECS: dict[str, Spec] = {
    "customers": Spec(Customer.__table__),
    "products": Spec(Product.__table__),
    "product_variants": Spec(ProductVariant.__table__, "products", "product_id"),
    "orders": Spec(Order.__table__),
    "order_line_items": Spec(OrderLineItem.__table__, "orders", "order_id"),
    "refunds": Spec(Refund.__table__, "orders", "order_id"),
    "refund_line_items": Spec(RefundLineItem.__table__, "refunds", "refund_id"),
}


class OrphanRows(Exception):
    """Child rows arrived whose parent was never written."""


@dataclass
class Writer:
    """Buffer rows per table and upsert them in batches; call `flush()` at the end."""

    session: Session | scoped_session[Any]
    shop_id: int
    batch_size: int = DEFAULT_BATCH
    written: dict[str, int] = field(default_factory=dict)
    _buffers: dict[str, list[tuple[Row, str | None]]] = field(default_factory=dict)
    _ids: dict[str, dict[str, int]] = field(default_factory=dict)
    # Rollup hook: gids of the orders (directly or through a child) and customers written so
    # far; `xsight.services.rollups.refresh_written` consumes them.
    touched: dict[str, set[str]] = field(default_factory=lambda: {"orders": set(), "customers": set()})
    _unclaimed: bool = False  # SQLite: rows written since the shop was last claimed

    def add(self, table: str, row: Row, parent_gid: str | None = None) -> None:
        """Queue one row (children name their parent's gid); flush when the batch is full."""
        buffer = self._buffers.setdefault(table, [])
        buffer.append((row, parent_gid))
        if len(buffer) >= self.batch_size:
            self._flush_table(table)

    def flush(self) -> None:
        """Write every buffered row, parents first; on SQLite then claim the shop (decision 079)."""
        for table in SPECS:
            self._flush_table(table)
        if self._unclaimed:
            locks.claim_shop(self.session, self.shop_id)
            self._unclaimed = False

    def _flush_table(self, table: str) -> None:
        spec = SPECS[table]
        if spec.parent:
            self._flush_table(spec.parent)
        rows = self._buffers.pop(table, [])
        if not rows:
            return
        # The shop's write turn before the first row lock: a writer holding rows while it waits for
        # the turn (taken again at the rollup refresh) deadlocks with one holding the turn (decision 075).
        locks.shop_rollups(self.session, self.shop_id)
        # The rows have no foreign key to the shop: PostgreSQL claims it before writing (a shop being
        # deleted then waits for the commit, or has gone); SQLite after, under the write lock.
        if self.session.get_bind().dialect.name == "postgresql":
            locks.claim_shop(self.session, self.shop_id)
        else:
            self._unclaimed = True
        if spec.parent and spec.fk:
            ids = self._parent_ids(spec.parent, {p for _, p in rows if p})
            missing = {p for _, p in rows if p not in ids}
            if missing:
                raise OrphanRows(f"{table}: parents not found in {spec.parent}: "
                                 f"{sorted(str(m) for m in missing)[:5]}")
            values = [{**r, spec.fk: ids[p]} for r, p in rows if p]
        else:
            values = [r for r, _ in rows]
        self._upsert(spec.table, values)
        self.written[table] = self.written.get(table, 0) + len(values)
        self._touch(table, rows)

    def _touch(self, table: str, rows: list[tuple[Row, str | None]]) -> None:
        if table in ("orders", "customers"):
            self.touched[table].update(r["shopify_gid"] for r, _ in rows)
        elif table in ("order_line_items", "refunds"):
            self.touched["orders"].update(p for _, p in rows if p)

    def take_touched(self) -> dict[str, set[str]]:
        """Return the gids touched since the last call and start afresh."""
        taken, self.touched = self.touched, {"orders": set(), "customers": set()}
        return taken

    def _parent_ids(self, parent: str, gids: set[str]) -> dict[str, int]:
        cache = self._ids.setdefault(parent, {})
        wanted = [g for g in gids if g not in cache]
        table = SPECS[parent].table
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[start:start + LOOKUP_CHUNK]
            found = self.session.execute(select(table.c.shopify_gid, table.c.id).where(
                table.c.shop_id == self.shop_id, table.c.shopify_gid.in_(chunk)))
            cache.update({g: i for g, i in found})
        result = {g: cache[g] for g in gids if g in cache}
        if len(cache) > ID_CACHE_LIMIT:
            cache.clear()
        return result

    def _upsert(self, table: Table, values: Sequence[Row]) -> None:
        now = utcnow()
        # Deduplicate within the batch: the last version of a gid wins.
        unique = {v["shopify_gid"]: v for v in values}
        rows = [{**v, "shop_id": self.shop_id, "synced_at": now} for v in unique.values()]
        raw_upsert.upsert(self.session.connection(), table, rows)


def link_orders_to_customers(session: Session | scoped_session[Any], shop_id: int,
                             customer_gids: Iterable[str] | None = None) -> None:
    """Point unlinked orders at their customer rows by gid, whichever arrived first.

    `customer_gids`: only the orders waiting for these customers (the partial gid index holds just
    the unlinked orders, decision 084); else every unlinked order of the shop.
    """
    orders, customers = Order.__table__, Customer.__table__
    condition = and_(orders.c.shop_id == shop_id, orders.c.customer_id.is_(None),
                     orders.c.customer_gid.is_not(None))
    if customer_gids is not None:
        gids = list(customer_gids)
        if not gids:
            return
        condition = and_(condition, orders.c.customer_gid.in_(gids))
    elif session.get_bind().dialect.name == "sqlite":
        # Without statistics SQLite walked the (shop, customer gid) index, every order of the shop
        # (3.5 s per incremental page at 1M orders); the unlinked ones are found along (shop, customer),
        # unless another shop's first load is building that index (deferred_indexes, decision 081).
        try:
            session.execute(text(_LINK_UNLINKED_SQLITE.format(hint=_LINK_HINT)), {"shop": shop_id})
        except OperationalError as exc:  # refused before it ran: nothing was changed
            if f"no such index: {_LINK_INDEX}" not in str(exc.orig):
                raise
            session.execute(text(_LINK_UNLINKED_SQLITE.format(hint="")), {"shop": shop_id})
        return
    session.execute(update(orders).where(condition).values(customer_id=_customer_id(orders, customers)))


def relink_orders(session: Session | scoped_session[Any], shop_id: int, order_gids: Iterable[str]) -> None:
    """Point these orders at the customer rows their customer gid names now (None when not stored).

    After a write of the orders: an order moved to another customer, or to none, leaves its stored
    customer_id behind otherwise (link_orders_to_customers touches unlinked orders only).
    """
    gids = list(order_gids)
    if not gids:
        return
    orders, customers = Order.__table__, Customer.__table__
    match = _customer_id(orders, customers)
    for start in range(0, len(gids), LOOKUP_CHUNK):
        session.execute(update(orders).where(
            orders.c.shop_id == shop_id, orders.c.shopify_gid.in_(gids[start:start + LOOKUP_CHUNK]),
            orders.c.customer_id.is_distinct_from(match)).values(customer_id=match))


def _customer_id(orders: Table, customers: Table) -> Any:
    """The id of the customer row an order's customer gid names (a scalar sub-select)."""
    return (select(customers.c.id).where(customers.c.shop_id == orders.c.shop_id,
                                         customers.c.shopify_gid == orders.c.customer_gid)
            .scalar_subquery())


_LINK_INDEX = "ix_orders_shop_customer"
_LINK_HINT = f" INDEXED BY {_LINK_INDEX}"
_LINK_UNLINKED_SQLITE = (
    "UPDATE orders{hint} SET customer_id = (SELECT c.id FROM customers AS c "
    "WHERE c.shop_id = orders.shop_id AND c.shopify_gid = orders.customer_gid) "
    "WHERE orders.shop_id = :shop AND orders.customer_id IS NULL AND orders.customer_gid IS NOT NULL")
