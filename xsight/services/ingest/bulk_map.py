"""Map one bulk export's parsed objects to stored rows per table, with no database at hand.

The loader maps in the process that writes (small exports), or a mapping process does it and hands
the batches over (bulk_process.py, decision 082), so this holds everything mapping needs: the
resource, the dialect's converters and the updatedAt of recent parents, nothing of a session.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from xsight.models import (
    Customer,
    Order,
    OrderLineItem,
    Product,
    ProductVariant,
    Refund,
    RefundLineItem,
)
from xsight.services.ingest import bulk_rows, copy_binary, copy_rows, graphql_rows, raw_upsert
from xsight.services.ingest.bulk_sql import CopyRows, Link, Rows
from xsight.services.ingest.values import nodes

# gid -> (row, parent gid); on PostgreSQL a COPY_TABLES row is (binary COPY fields, gid, link gid)
Buffer = dict[str, tuple[Any, ...]]
Columns = dict[str, tuple[str, ...]]  # table -> the column order of its rows
Taken = tuple[Columns, dict[str, Rows | CopyRows]]  # what `take` hands over: column orders, tables
PARENT_KEY = "__parentId"
LINE_ITEM = "gid://shopify/LineItem/"
VARIANT = "gid://shopify/ProductVariant/"
RESOURCES = ("customers", "products", "orders")
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
ORDER_UPDATED = bulk_rows.ORDER_COLUMNS.index("shopify_updated_at")
FAST_COLUMNS = {"customers": bulk_rows.CUSTOMER_COLUMNS, "orders": bulk_rows.ORDER_COLUMNS,
                "order_line_items": bulk_rows.LINE_ITEM_COLUMNS}
# Tables whose rows PostgreSQL gets as binary COPY fields (copy_rows.py, decisions 088-090),
# and the dumper oid of each of their columns.
COPY_TABLES = frozenset(FAST_COLUMNS)
COPY_OIDS = copy_rows.OIDS


def dialect_named(name: str) -> Dialect:
    """Return a fresh dialect of the backend (its converters are what the engine's would be)."""
    if name == "postgresql":
        return postgresql.psycopg.dialect()
    if name == "sqlite":
        return sqlite.pysqlite.dialect()
    raise ValueError(f"Unknown database dialect {name!r}.")


class BulkMapper:
    """Buffer one resource's objects as stored rows, per table, until `take()`."""

    def __init__(self, resource: str, dialect: Dialect) -> None:
        if resource not in RESOURCES:
            raise ValueError(f"Unknown bulk resource {resource!r}.")
        self.resource, self.dialect = resource, dialect
        self.copy = dialect.name == "postgresql"
        self.stamp, self.tags = bulk_rows.sqlite_stamp, bulk_rows.tags_json  # PostgreSQL: copy_rows
        self.columns: Columns = dict(FAST_COLUMNS)
        self._buffers: dict[str, Buffer] = {}
        self._orders: Buffer = {}
        self._lines: Buffer = {}
        self._empty()
        self._updated: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
        self._unknown = copy_binary.NULL if self.copy else None  # a forgotten parent's updatedAt

    def add(self, obj: dict[str, Any]) -> None:
        """Queue one parsed JSONL object (a root, or a child naming its parent)."""
        parent = obj.get(PARENT_KEY)
        if parent is None:
            if self.resource == "orders":  # 10^6 times per 10^6 orders: no further call
                updated: Any
                if self.copy:  # fields, the customer's gid (the link), updatedAt as a field
                    gid, fields, customer, updated = copy_rows.order(obj)
                    self._orders[gid] = (fields, gid, customer)  # as `take` hands it over
                else:
                    row = bulk_rows.order(obj, self.stamp, self.tags)
                    gid, updated = row[0], row[ORDER_UPDATED]
                    self._orders[gid] = (row, None)
                self._remember(gid, updated)  # stored form: line items take it as is
                if obj.get("refunds"):
                    self._refunds(obj["refunds"], gid)
            else:
                self._root(obj)
            return
        child_id = obj.get("id")
        if child_id.__class__ is not str:
            child_id = str(child_id or "")
        if child_id.startswith(LINE_ITEM):
            recent, older = self._updated
            updated = recent[parent] if parent in recent else older.get(parent, self._unknown)
            if self.copy:
                line_gid, line_fields = copy_rows.line_item(obj, updated)
                self._lines[line_gid] = (line_fields, line_gid, parent)
            else:
                line = bulk_rows.line_item(obj, updated)
                self._lines[line[0]] = (line, parent)
        elif child_id.startswith(VARIANT):
            variant = graphql_rows.variant(obj, self._parent_updated(parent))
            self._generic("product_variants", variant, parent)
        # Shipping lines are summed on the order (totalShippingPriceSet); nothing else to keep.

    def take(self) -> Taken:
        """Hand over the rows buffered so far (the last version of each gid) and start empty.

        On PostgreSQL the COPY_TABLES' rows are (binary COPY fields, gid, link gid): the link gid is the
        parent's for a child, the link's source column for a row linked by one (an order's customer).
        """
        taken = self._buffers
        self._empty()
        tables: dict[str, Rows | CopyRows] = {
            table: list(rows.values()) for table, rows in taken.items() if rows}
        return dict(self.columns), tables

    def _empty(self) -> None:
        self._buffers = {name: {} for name in TABLES}
        self._orders, self._lines = self._buffers["orders"], self._buffers["order_line_items"]

    def _root(self, node: dict[str, Any]) -> None:
        if self.resource == "customers":
            if self.copy:
                gid, fields = copy_rows.customer(node)
                self._buffers["customers"][gid] = (fields, gid, None)
            else:
                row = bulk_rows.customer(node, self.stamp, self.tags)
                self._buffers["customers"][row[0]] = (row, None)
        else:
            self._remember(node["id"], node.get("updatedAt"))
            self._generic("products", graphql_rows.product(node), None)

    def _refunds(self, refunds: list[dict[str, Any]], order_gid: str) -> None:
        for refund in refunds:
            self._generic("refunds", graphql_rows.refund(refund), order_gid)
            for line in nodes(refund.get("refundLineItems")):
                self._generic("refund_line_items",
                              graphql_rows.refund_line_item(line, refund["id"]), refund["id"])

    def _generic(self, table: str, row: dict[str, Any], parent: str | None) -> None:
        columns = self.columns.setdefault(table, tuple(row))
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
