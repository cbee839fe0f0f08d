"""Write a bulk export's objects in set-based batches, straight from the parsed lines.

Shopify writes a child line (`__parentId`) after its parent, so writing every buffered table in
parent-first order at each flush means a child's parent row already exists: the child takes the
id its batch just wrote, or the database resolves it from the gid (bulk_sql.py, decision 081), and
no regrouping window is needed. Everything
read before a flush is written by it, so a resume point is simply the number of objects read.
Rows follow the Writer's rules (decision 004): upsert on (shop_id, shopify_gid), newest
`updated_at` wins, the last version of a gid in a batch wins; where the shop had no rows when the
load began, plain INSERTs until one meets a stored row (decisions 079, 081).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import closing
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session, scoped_session

from xsight.db_setup import sqlite_bulk_write
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
from xsight.services.ingest import (
    bulk_pipeline,
    bulk_postgres,
    bulk_rows,
    bulk_sqlite,
    graphql_rows,
    raw_upsert,
    sqlite_indexes,
)
from xsight.services.ingest.bulk_sql import Ids, Link, Rows
from xsight.services.ingest.values import nodes

Buffer = dict[str, tuple[tuple[Any, ...], str | None]]  # gid -> (row, parent gid)
PARENT_KEY = "__parentId"
LINE_ITEM = "gid://shopify/LineItem/"
VARIANT = "gid://shopify/ProductVariant/"
# Parents whose updatedAt a later child inherits (two generations of this many are kept); a
# child later than that is stored without one and is always applied, as a late Group was.
PARENT_MEMORY = 10_000

TABLES: dict[str, tuple[Table, Link | None]] = {  # in flush order: parents first
    "customers": (Customer.__table__, None),
    "products": (Product.__table__, None),
    "product_variants": (ProductVariant.__table__, Link("product_id", "products")),
    "orders": (Order.__table__, Link("customer_id", "customers", source="customer_gid")),
    "order_line_items": (OrderLineItem.__table__, Link("order_id", "orders")),
    "refunds": (Refund.__table__, Link("order_id", "orders")),
    "refund_line_items": (RefundLineItem.__table__, Link("refund_id", "refunds")),
}
# Tables whose children in the same batch take their ids from the rows written (decision 081).
PARENTS = frozenset(link.parent for _, link in TABLES.values() if link is not None and link.source is None)
ORDER_UPDATED = bulk_rows.ORDER_COLUMNS.index("shopify_updated_at")
FAST_COLUMNS = {"customers": bulk_rows.CUSTOMER_COLUMNS, "orders": bulk_rows.ORDER_COLUMNS,
                "order_line_items": bulk_rows.LINE_ITEM_COLUMNS}


class BulkLoader:
    """Buffer one resource's objects as stored rows and upsert them per table on `flush()`."""

    def __init__(self, session: Session | scoped_session[Any], shop_id: int, resource: str) -> None:
        if resource not in ("customers", "products", "orders"):
            raise ValueError(f"Unknown bulk resource {resource!r}.")
        self.session, self.shop_id, self.resource = session, shop_id, resource
        self.dialect = session.connection().dialect
        self.postgres = self.dialect.name == "postgresql"
        self.stamp = bulk_rows.postgres_stamp if self.postgres else bulk_rows.sqlite_stamp
        self.written: dict[str, int] = {}
        self._buffers: dict[str, Buffer] = {name: {} for name in TABLES}
        self._columns: dict[str, tuple[str, ...]] = dict(FAST_COLUMNS)
        self._updated: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
        # Plain INSERTs into the tables where the shop had no row yet (decisions 079, 081).
        self._new_rows = {name for name, (table, _) in TABLES.items() if session.execute(
            select(table.c.id).where(table.c.shop_id == shop_id).limit(1)).first() is None}

    def add(self, obj: dict[str, Any]) -> None:
        """Queue one parsed JSONL object (a root, or a child naming its parent)."""
        parent = obj.get(PARENT_KEY)
        if parent is None:
            self._root(obj)
            return
        child_id = str(obj.get("id", ""))
        if child_id.startswith(LINE_ITEM):
            row = bulk_rows.line_item(obj, self._parent_updated(parent))
            self._buffers["order_line_items"][row[0]] = (row, parent)
        elif child_id.startswith(VARIANT):
            variant = graphql_rows.variant(obj, self._parent_updated(parent))
            self._generic("product_variants", variant, parent)
        # Shipping lines are summed on the order (totalShippingPriceSet); nothing else to keep.

    def _root(self, node: dict[str, Any]) -> None:
        if self.resource == "customers":
            row = bulk_rows.customer(node, self.stamp)
            self._buffers["customers"][row[0]] = (row, None)
        elif self.resource == "orders":
            row = bulk_rows.order(node, self.stamp)
            self._buffers["orders"][row[0]] = (row, None)
            self._remember(row[0], row[ORDER_UPDATED])  # stored form: line items take it as is
            for refund in node.get("refunds") or ():
                self._generic("refunds", graphql_rows.refund(refund), row[0])
                for line in nodes(refund.get("refundLineItems")):
                    self._generic("refund_line_items",
                                  graphql_rows.refund_line_item(line, refund["id"]), refund["id"])
        else:
            self._remember(node["id"], node.get("updatedAt"))
            self._generic("products", graphql_rows.product(node), None)

    def _generic(self, table: str, row: dict[str, Any], parent: str | None) -> None:
        columns = self._columns.setdefault(table, tuple(row))
        converters = raw_upsert.converters(self.dialect, TABLES[table][0], columns)
        stored = tuple(row[c] if f is None else f(row[c]) for c, f in zip(columns, converters, strict=True))
        self._buffers[table][row["shopify_gid"]] = (stored, parent)

    def _remember(self, gid: str, updated_at: Any) -> None:
        recent, older = self._updated
        if len(recent) >= PARENT_MEMORY:
            recent, older = {}, recent
            self._updated = (recent, older)
        recent[gid] = updated_at

    def _parent_updated(self, gid: str) -> Any:
        recent, older = self._updated
        return recent.get(gid, older.get(gid))

    def take(self) -> dict[str, Buffer]:
        """Hand over the rows buffered so far (for `flush`) and start new, empty buffers."""
        taken, self._buffers = self._buffers, {name: {} for name in TABLES}
        return taken

    def flush(self, buffers: dict[str, Buffer] | None = None) -> None:
        """Write every buffered row (or those of `buffers`, from `take`), parents before children.

        The shop is claimed in the same transaction (locks.claim_shop, decision 079). On PostgreSQL the
        batch takes the shop's write turn first: an `orders/delete` runs before or after it, not between.
        """
        now = utcnow()
        synced = now if self.postgres else bulk_rows.sqlite_stamp(now.isoformat())
        batch = [(table, list(rows.values())) for table, rows in
                 (self._buffers if buffers is None else buffers).items() if rows]
        if self.postgres:
            self._flush_postgres(batch, synced)
        else:
            self._sqlite_bulk_transaction()
            self._write_batch(batch, synced, bulk_sqlite.met_stored_row, lambda: None)
            locks.claim_shop(self.session, self.shop_id)
        for table, rows in batch:
            self.written[table] = self.written.get(table, 0) + len(rows)
        if buffers is None:
            self._buffers = {name: {} for name in TABLES}

    def _flush_postgres(self, batch: list[tuple[str, Rows]], synced: Any) -> None:
        """Write the batch after the shop's write turn and claim, inside a savepoint when it inserts."""
        savepoint = any(table in self._new_rows for table, _ in batch)
        cursor = self.session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            bulk_postgres.begin(cursor, self.shop_id, savepoint=savepoint)
            self._write_batch(batch, synced, bulk_postgres.met_stored_row, lambda: bulk_postgres.undo(cursor))
            if savepoint:
                bulk_postgres.end(cursor)
        finally:
            cursor.close()

    def _write_batch(self, batch: list[tuple[str, Rows]], synced: Any,
                     met_stored_row: Callable[[BaseException], bool], undo: Callable[[], None]) -> None:
        """Plain INSERTs where the shop had no rows when the load began; at a stored row, upserts.

        A row can be stored meanwhile (a webhook): the INSERT then fails with a unique violation, and
        the batch is written again as upserts, as is the rest of the load. PostgreSQL first goes back
        to the batch's savepoint (`undo`, which also undoes the ids read); SQLite undoes only the
        failing row, and the rows the INSERTs stored are upserted to the same values.
        """
        inserting = any(table in self._new_rows for table, _ in batch)
        try:
            ids: Ids = {}
            for table, rows in batch:
                self._write(table, rows, synced, ids, new_rows=table in self._new_rows)
        except Exception as exc:
            if not (inserting and met_stored_row(exc)):
                raise
            undo()
            self._new_rows.clear()
            ids = {}
            for table, rows in batch:
                self._write(table, rows, synced, ids)

    def _sqlite_bulk_transaction(self) -> None:
        """Give this SQLite transaction the bulk settings (db_setup.sqlite_bulk_write; undone at checkin).

        Foreign-key checks cannot fail here: each parent id is read from its parent table in this
        transaction (by the writing statement, or just before it), the shop id is ours.
        """
        proxied = self.session.connection().connection
        raw = proxied.dbapi_connection
        if raw is None or raw.in_transaction:
            return  # the foreign-key pragma does nothing inside a transaction: keep the defaults
        sqlite_bulk_write(raw, proxied.info)

    def _write(self, table: str, rows: Rows,
               synced: Any, ids: Ids, *, new_rows: bool = False) -> None:
        name, link, columns = TABLES[table][0].name, TABLES[table][1], self._columns[table]
        cursor = self.session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if self.postgres:
                bulk_postgres.write(cursor, name, columns, link, rows, (self.shop_id, synced),
                                    new_rows=new_rows, ids=ids, parent=table in PARENTS)
            else:
                bulk_sqlite.write(cursor, name, columns, link, rows, (self.shop_id, synced),
                                  new_rows=new_rows, ids=ids, parent=table in PARENTS)
        finally:
            cursor.close()


def load(session: Session | scoped_session[Any], shop_id: int, resource: str,
         objects: Iterable[dict[str, Any]], *, commit_every: int,
         on_commit: Callable[[int], None]) -> int:
    """Write every object; after each `commit_every` objects flush and call `on_commit(count)`.

    On PostgreSQL the next batch is read and mapped in a helper thread while the server writes
    this one (bulk_pipeline, decision 006). On SQLite a first load into an empty table builds its
    secondary indexes at the end (sqlite_indexes, decision 080).
    """
    loader = BulkLoader(session, shop_id, resource)
    count = 0
    pipeline = bulk_pipeline.batches if loader.postgres else bulk_pipeline.in_line
    deferred = [] if loader.postgres else sqlite_indexes.defer(session, resource)
    try:
        with bulk_pipeline.relaxed_gc(), closing(pipeline(loader, objects, commit_every)) as mapped:
            for buffers, count, last in mapped:
                loader.flush(buffers)
                if not last:
                    on_commit(count)
    except BaseException:
        if deferred:  # what was committed keeps its indexes; the failed batch is undone anyway
            session.rollback()
            sqlite_indexes.build(session, deferred)
            session.commit()
        raise
    sqlite_indexes.build(session, deferred)  # with the last batch, which the caller commits
    return count
