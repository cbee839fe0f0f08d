"""Parse and validate query parameters, with 400s that say what was wrong."""

from __future__ import annotations

import re
from datetime import date

from flask import request

from xsight.errors import BadRequest

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


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
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a date like 2026-01-31, got {raw!r}.") from None


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
