"""Parse and validate query parameters, with 400s that say what was wrong."""

from __future__ import annotations

import re
from datetime import date

from flask import request

from xsight.errors import BadRequest, NotFound

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Days outside this span are refused: shifting them by a range or a time zone leaves Python's dates.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
# The largest id a BIGINT column holds; a larger one in a URL names nothing.
MAX_ID = 2**63 - 1


def iso_date(name: str, default: date | None = None) -> date:
    """Return the query parameter `name` as a YYYY-MM-DD date."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        if default is None:
            raise BadRequest(f"{name} is required, as a date like 2026-01-31.")
        return default
    try:
        if not ISO_DAY.fullmatch(raw):
            raise ValueError(raw)
        value = date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a date like 2026-01-31, got {raw!r}.") from None
    if not FIRST_DAY <= value <= LAST_DAY:
        raise BadRequest(f"{name} must be between {FIRST_DAY} and {LAST_DAY}, got {raw}.")
    return value


def whole_number(name: str, default: int, low: int, high: int) -> int:
    """Return the query parameter `name` as an integer between `low` and `high`."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, got {raw!r}.") from None
    if not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}, got {value}.")
    return value


def url_ids_in_range() -> None:
    """Answer 404 for an id in the URL too large for any row, before it reaches the database."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) and value > MAX_ID:
            raise NotFound(f"No object with {name} {value} exists in this shop.")
