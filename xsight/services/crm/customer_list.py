"""A page of customer rows over the facts subquery: any condition, any sort, keyset cursors, a total."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, Subquery, case, func, select

from xsight.errors import BadRequest
from xsight.extensions import db
from xsight.models import Shop
from xsight.models.types import from_minor
from xsight.services.crm import keyset, planner, totals

CENT = Decimal("0.01")
DIRECTIONS = ("asc", "desc")
# Sortable fields of the customer row and the kind of value their cursor carries.
SORT_KINDS: dict[str, str] = {
    "id": "int", "gid": "str", "name": "str", "email": "str", "country": "str",
    "email_subscription_status": "str", "amount_spent": "int", "number_of_orders": "int",
    "average_order_value": "int", "first_order_date": "date", "last_order_date": "date",
    "days_since_last_order": "date", "rfm_group": "str", "r_score": "int", "f_score": "int",
    "m_score": "int", "p_alive": "float", "churn_risk": "int", "predicted_clv": "float",
    "expected_next_order_date": "date", "created_at": "datetime",
}
# Row fields whose facts column is never NULL (ids, and stats coalesced to 0).
NEVER_NULL = frozenset({"id", "gid", "amount_spent", "number_of_orders"})
# Facts columns that are the sort key of the same-named row field.
_SAME = ("amount_spent", "number_of_orders", "average_order_value", "first_order_date",
         "last_order_date", "rfm_group", "r_score", "f_score", "m_score", "p_alive", "predicted_clv",
         "expected_next_order_date", "country", "email_subscription_status", "email", "created_at")


def sort_key(facts: Subquery, sort: str, direction: str) -> tuple[keyset.SortKey, str]:
    """Return the keyset sort key for a row field and the direction to walk its column in."""
    if sort not in SORT_KINDS:
        raise BadRequest(f"sort must be one of {', '.join(SORT_KINDS)}; got {sort!r}.")
    if direction not in DIRECTIONS:
        raise BadRequest(f"direction must be asc or desc; got {direction!r}.")
    column: ColumnElement[Any]
    if sort in _SAME:
        column = facts.c[sort]
    elif sort == "days_since_last_order":  # more days since = an earlier last order
        column, direction = facts.c.last_order_date, "desc" if direction == "asc" else "asc"
    elif sort == "churn_risk":  # by severity, not alphabetically
        column = case({"low": 1, "medium": 2, "high": 3}, value=facts.c.churn_risk, else_=None)
    elif sort == "name":
        column = facts.c.name_key
    else:
        column = facts.c.customer_id if sort == "id" else facts.c.customer_gid
    return keyset.SortKey(column, SORT_KINDS[sort], facts.c.customer_id,
                          nullable=sort not in NEVER_NULL), direction


def page(shop: Shop, facts: Subquery, conditions: list[ColumnElement[bool]], *, sort: str,
         direction: str, limit: int, after: str | None, total_key: Hashable | None = None,
         count: Select[Any] | None = None) -> dict[str, Any]:
    """Return one page of customer rows matching every condition, with the total and the next cursor.

    `total_key` names the filter when its total depends on the facts alone; the total is then counted
    once per facts version (`totals`). None counts on every page. `count` is a statement that counts
    the same rows in a cheaper shape (default: COUNT(*) over the conditions).
    """
    key, walk = sort_key(facts, sort, direction)
    planner.interactive(db.session)
    counting = count if count is not None else select(func.count()).select_from(facts).where(*conditions)
    total = totals.total(db.session, shop.id, total_key, lambda: int(db.session.scalar(counting) or 0))
    cursor = keyset.decode(after, sort, direction, key.kind) if after else None
    keys = _page_keys(facts, conditions, key, walk, cursor, limit + 1)
    more, keys = len(keys) > limit, keys[:limit]
    next_cursor = (keyset.encode(sort, direction, key.kind, keys[-1].sort_value, keys[-1].customer_id)
                   if more and keys else None)
    ids = [k.customer_id for k in keys]
    found = {row.customer_id: row for row in db.session.execute(
        select(facts).where(facts.c.customer_id.in_(ids)))} if ids else {}
    today = local_today(shop)
    return {"customers": [row_for_day(found[i], today) for i in ids if i in found], "total": total,
            "next_cursor": next_cursor, "currency": shop.currency}


def _page_keys(facts: Subquery, conditions: list[ColumnElement[bool]], key: keyset.SortKey, walk: str,
               cursor: tuple[Any, int] | None, n: int) -> list[Any]:
    """Return up to n narrow (customer_id, sort_value) rows after the cursor, NULL sort values last.

    Two steps: the rows with a value (ordered by the value and the id, which a (shop_id, column,
    customer_id) index serves in either direction on both backends), then, if the page is not full,
    the rows without one in id order. One ORDER BY ... NULLS LAST would need the index's NULL
    placement to match the direction, which holds for one direction only on each backend.
    """
    base = select(facts.c.customer_id, key.column.label("sort_value")).where(*conditions)
    found: list[Any] = []
    if cursor is None or cursor[0] is not None:
        valued = base.where(key.column.is_not(None)) if key.nullable else base
        if cursor is not None:
            valued = valued.where(keyset.after_value(key, walk, *cursor))
        found = list(db.session.execute(valued.order_by(*keyset.order_by(key, walk, nulls=False))
                                        .limit(n)).all())
    if key.nullable and len(found) < n:
        tail = base.where(key.column.is_(None))
        if cursor is not None and cursor[0] is None:
            tail = tail.where(keyset.after(key, walk, None, cursor[1]))
        ident = key.id_column.asc() if walk == "asc" else key.id_column.desc()
        found += db.session.execute(tail.order_by(ident).limit(n - len(found))).all()
    return found


def local_today(shop: Shop) -> date:
    """Return today's date in the shop's time zone."""
    return datetime.now(ZoneInfo(shop.iana_timezone or "UTC")).date()


def row_json(row: Any, shop: Shop) -> dict[str, Any]:
    """Return one customer row of the contract from a row carrying the `customer_facts` columns."""
    return row_for_day(row, local_today(shop))


def row_for_day(row: Any, today: date) -> dict[str, Any]:
    """Return one customer row as seen on the shop-local day `today`."""
    last = row.last_order_date
    status = row.email_subscription_status
    return {
        "id": row.customer_id, "gid": row.customer_gid, "name": full_name(row.first_name, row.last_name),
        "email": row.email, "country": row.country, "tags": list(row.customer_tags or []),
        "email_subscription_status": status.upper() if status else None,
        "amount_spent": money(row.amount_spent), "number_of_orders": int(row.number_of_orders or 0),
        "average_order_value": money(row.average_order_value),
        "first_order_date": iso(row.first_order_date), "last_order_date": iso(last),
        "days_since_last_order": (today - last).days if last is not None else None,
        "rfm_group": row.rfm_group, "r_score": row.r_score, "f_score": row.f_score,
        "m_score": row.m_score,
        "p_alive": round(float(row.p_alive), 4) if row.p_alive is not None else None,
        "churn_risk": row.churn_risk, "predicted_clv": amount(row.predicted_clv),
        "expected_next_order_date": iso(row.expected_next_order_date),
        "created_at": timestamp(row.created_at),
    }


def full_name(first: str | None, last: str | None) -> str | None:
    """Return "First Last", or None when neither is known."""
    return " ".join(p for p in (first, last) if p) or None


def money(minor: int | None) -> str | None:
    """Return stored 1/10,000 units as a decimal string with cents."""
    return None if minor is None else str(from_minor(int(minor)).quantize(CENT, rounding=ROUND_HALF_UP))


def amount(value: float | Decimal | None) -> str | None:
    """Return an amount (float or Decimal) as a decimal string with cents."""
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP))


def iso(value: date | None) -> str | None:
    """Return a date as YYYY-MM-DD."""
    return value.isoformat() if value is not None else None


def timestamp(value: datetime | None) -> str | None:
    """Return an aware timestamp as ISO 8601 UTC with a Z."""
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")
