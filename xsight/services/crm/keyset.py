"""Opaque keyset cursors: order by one sort column (nulls last either way) and an id, resume after a row."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, literal, or_, tuple_
from sqlalchemy.orm import QueryableAttribute

from xsight.errors import BadRequest

# How a sort value travels inside a cursor; anything else in a cursor is a tampered cursor.
KINDS = ("int", "float", "str", "date", "datetime")
BAD_CURSOR = "after is not a cursor this list handed out; start again without it."


@dataclass(frozen=True)
class SortKey:
    """A sort column, the value kind its cursor carries, and the id column that breaks ties."""

    column: ColumnElement[Any] | QueryableAttribute[Any]
    kind: str
    id_column: ColumnElement[Any] | QueryableAttribute[Any]
    # A column that is never NULL orders (and can use an index) without a NULLS LAST clause.
    nullable: bool = True


def order_by(key: SortKey, direction: str, *, nulls: bool = True) -> list[ColumnElement[Any]]:
    """Return ORDER BY terms: the sort column with NULLs last, then the id in the same direction.

    `nulls=False` is for a query that already excludes NULL sort values: plain ASC/DESC, which an
    index on (column, id) serves in both directions.
    """
    last = key.nullable and nulls
    if direction == "asc":
        first = key.column.asc().nulls_last() if last else key.column.asc()
        return [first, key.id_column.asc()]
    first = key.column.desc().nulls_last() if last else key.column.desc()
    return [first, key.id_column.desc()]


def after_value(key: SortKey, direction: str, value: Any, row_id: int) -> ColumnElement[bool]:
    """Return the condition for rows with a sort value strictly after (value, row_id), NULLs aside.

    A row-value comparison, which both backends answer from a (column, id) index.
    """
    col, ident = key.column, key.id_column
    if col is ident:
        return ident > row_id if direction == "asc" else ident < row_id
    # Bind with the columns' types (money columns store integer units, dates need their format).
    here = tuple_(col, ident)
    bound = tuple_(literal(value, type_=col.type), literal(row_id, type_=ident.type))
    return here > bound if direction == "asc" else here < bound


def after(key: SortKey, direction: str, value: Any, row_id: int) -> ColumnElement[bool]:
    """Return the condition for rows strictly after (value, row_id) in `order_by` order."""
    col, ident = key.column, key.id_column
    beyond = (lambda a, b: a > b) if direction == "asc" else (lambda a, b: a < b)
    if value is None:  # inside the NULL tail: only the id still orders rows
        return and_(col.is_(None), beyond(ident, row_id))
    if col is ident:
        return beyond(ident, row_id)
    if not key.nullable:  # a row-value comparison, which both backends answer from a (col, id) index
        # Bind with the columns' types (money columns store integer units, dates need their format).
        bound = tuple_(literal(value, type_=col.type), literal(row_id, type_=ident.type))
        return beyond(tuple_(col, ident), bound)
    return or_(beyond(col, value), and_(col == value, beyond(ident, row_id)), col.is_(None))


def encode(sort: str, direction: str, kind: str, value: Any, row_id: int) -> str:
    """Return an opaque cursor for the row (value, row_id) of a list sorted by `sort`."""
    if isinstance(value, (date, datetime)):
        value = value.isoformat()
    raw = json.dumps({"s": sort, "d": direction, "v": value, "i": row_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, sort: str, direction: str, kind: str) -> tuple[Any, int]:
    """Return (value, row_id) from a cursor made for the same sort; a tampered cursor is a 400."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        if not isinstance(data, dict) or set(data) != {"s", "d", "v", "i"}:
            raise ValueError(data)
        if data["s"] != sort or data["d"] != direction:
            raise BadRequest(f"after was made for sort={data['s']} direction={data['d']}; "
                             f"ask again without after to sort by {sort} {direction}.", code="bad_cursor")
        row_id = data["i"]
        if not isinstance(row_id, int) or isinstance(row_id, bool):
            raise ValueError(row_id)
        return _value(data["v"], kind), row_id
    except BadRequest:
        raise
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadRequest(BAD_CURSOR, code="bad_cursor") from None


def _value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    if kind == "datetime" and isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError(value)
        return parsed
    raise ValueError(value)
