"""Stream customers as CSV in constant memory, with cells neutralised against formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Subquery, func, select

from xsight.extensions import db
from xsight.models import Shop
from xsight.services.crm.customer_list import local_today, row_for_day

BATCH = 500
# Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("id", "gid", "name", "email", "country", "tags", "email_subscription_status",
           "amount_spent", "number_of_orders", "average_order_value", "first_order_date",
           "last_order_date", "days_since_last_order", "rfm_group", "r_score", "f_score", "m_score",
           "p_alive", "churn_risk", "predicted_clv", "expected_next_order_date", "created_at",
           "currency")
# Columns XSight writes from numbers, dates or its own vocabularies; every other column holds
# text that came from Shopify (names, emails, tags) and is neutralised.
GENERATED = frozenset({"id", "amount_spent", "number_of_orders", "average_order_value",
                       "first_order_date", "last_order_date", "days_since_last_order", "r_score",
                       "f_score", "m_score", "p_alive", "predicted_clv", "expected_next_order_date",
                       "created_at"})


def neutralise(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with a single quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_row(row: dict[str, Any], currency: str) -> list[str]:
    """Return the CSV cells of one customer row (tags joined with ", ")."""
    cells = []
    for column in COLUMNS:
        value = currency if column == "currency" else row[column]
        if column == "tags":
            value = ", ".join(value)
        text = "" if value is None else str(value)
        cells.append(text if column in GENERATED else neutralise(text))
    return cells


def count(facts: Subquery, conditions: list[ColumnElement[bool]]) -> int:
    """Return how many customers an export with these conditions will write."""
    return int(db.session.scalar(select(func.count()).select_from(facts).where(*conditions)) or 0)


def stream_csv(shop: Shop, facts: Subquery, conditions: list[ColumnElement[bool]]) -> Iterator[str]:
    """Yield a header line, then customers matching every condition in id order, one batch at a time."""
    # Read the shop now: the response streams after the request's session has committed.
    return _stream(facts, conditions, local_today(shop), shop.currency)


def _stream(facts: Subquery, conditions: list[ColumnElement[bool]], today: date,
            currency: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield take()
    last_id = 0
    while True:  # keyset batches: memory is bounded by BATCH whatever the shop size
        rows = db.session.execute(select(facts).where(*conditions, facts.c.customer_id > last_id)
                                  .order_by(facts.c.customer_id).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            writer.writerow(csv_row(row_for_day(row, today), currency))
        last_id = rows[-1].customer_id
        yield take()
