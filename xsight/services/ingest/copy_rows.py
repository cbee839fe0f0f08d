"""Map the big tables' bulk objects straight to binary COPY fields on PostgreSQL (decisions 089, 090).

Each function returns what the C extension `_copy_rows` returns for an object of the usual shape
and, for any other (or without the extension), the same from `bulk_rows` and `copy_binary` in
Python: `(gid, fields)`, and for an order also its customer's gid and its updatedAt as one field,
which its line items end with. The fields are a row's values in binary, without the field count.
"""

from __future__ import annotations

from typing import Any

from xsight.models import Customer, Order, OrderLineItem
from xsight.services.ingest import bulk_rows, copy_binary

try:
    from xsight.services.ingest import _copy_rows as fast
except ImportError:  # not built (a source tree without a compiler): the Python path alone
    fast = None  # type: ignore[assignment]

OIDS = {  # each copied column's binary dumper, in the bulk_rows column order
    table.name: tuple(copy_binary.oid(table.columns[name]) for name in columns)
    for table, columns in ((Customer.__table__, bulk_rows.CUSTOMER_COLUMNS),
                           (Order.__table__, bulk_rows.ORDER_COLUMNS),
                           (OrderLineItem.__table__, bulk_rows.LINE_ITEM_COLUMNS))}
ORDER_UPDATED = bulk_rows.ORDER_COLUMNS.index("shopify_updated_at")
CUSTOMER_GID = bulk_rows.ORDER_COLUMNS.index("customer_gid")
_LINE_OIDS = OIDS["order_line_items"][:-1]  # without the order's updatedAt, which comes as a field


def stamp_field(updated_at: Any) -> bytes:
    """Return a stored updatedAt (an aware datetime, or None) as one timestamptz field."""
    return bytes(copy_binary.lines([(updated_at,)], (copy_binary.TIMESTAMPTZ,))[0])


def order(node: dict[str, Any]) -> tuple[str, bytes, str | None, bytes]:
    """Return (gid, fields, customer gid, updatedAt field) of an order's root object."""
    made = fast.order(node, bulk_rows.jsonb_tags) if fast is not None else None
    return made if made is not None else python_order(node)


def line_item(node: dict[str, Any], updated: bytes) -> tuple[str, bytes]:
    """Return (gid, fields) of a line item; `updated` is its order's updatedAt field (`order`)."""
    made = fast.line_item(node, updated) if fast is not None else None
    return made if made is not None else python_line_item(node, updated)


def customer(node: dict[str, Any]) -> tuple[str, bytes]:
    """Return (gid, fields) of a customer."""
    made = fast.customer(node, bulk_rows.jsonb_tags) if fast is not None else None
    return made if made is not None else python_customer(node)


def python_order(node: dict[str, Any]) -> tuple[str, bytes, str | None, bytes]:
    """`order` in Python: any shape bulk_rows maps (and its errors for the others)."""
    row = bulk_rows.order(node, bulk_rows.postgres_stamp, bulk_rows.jsonb_tags)
    fields = bytes(copy_binary.lines([row], OIDS["orders"])[0])
    return row[0], fields, row[CUSTOMER_GID], stamp_field(row[ORDER_UPDATED])


def python_line_item(node: dict[str, Any], updated: bytes) -> tuple[str, bytes]:
    """`line_item` in Python."""
    row = bulk_rows.line_item(node, None)
    return row[0], bytes(copy_binary.lines([row[:-1]], _LINE_OIDS)[0]) + updated


def python_customer(node: dict[str, Any]) -> tuple[str, bytes]:
    """`customer` in Python."""
    row = bulk_rows.customer(node, bulk_rows.postgres_stamp, bulk_rows.jsonb_tags)
    return row[0], bytes(copy_binary.lines([row], OIDS["customers"])[0])
