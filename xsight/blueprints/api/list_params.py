"""Optional list filters from the query string (lists, numbers, amounts, dates, cursors); 400 when bad."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import request

from xsight.blueprints.api.params import iso_date, whole_number
from xsight.errors import BadRequest

MAX_LIMIT = 250
DEFAULT_LIMIT = 50
MAX_LIST_ITEMS = 100
MAX_TEXT = 200
MAX_AMOUNT = Decimal("1e12")


def _raw(name: str) -> str | None:
    raw = request.args.get(name)
    if raw is not None and "\x00" in raw:
        raise BadRequest(f"{name} must not contain a NUL character.")
    return None if raw is None or raw.strip() == "" else raw.strip()


def text(name: str) -> str | None:
    """Return a free-text parameter, at most MAX_TEXT characters."""
    raw = _raw(name)
    if raw is not None and len(raw) > MAX_TEXT:
        raise BadRequest(f"{name} may be at most {MAX_TEXT} characters long; got {len(raw)}.")
    return raw


def comma_list(name: str, allowed: Iterable[str] | None = None, *, upper: bool = False,
               lower: bool = False) -> tuple[str, ...]:
    """Return a comma-separated list; with `allowed`, every item must be one of them."""
    raw = _raw(name)
    if raw is None:
        return ()
    items = [item.strip() for item in raw.split(",") if item.strip()]
    items = [i.upper() if upper else i.lower() if lower else i for i in items]
    if len(items) > MAX_LIST_ITEMS:
        raise BadRequest(f"{name} may list at most {MAX_LIST_ITEMS} values; got {len(items)}.")
    if allowed is not None:
        known = tuple(allowed)
        wrong = [i for i in items if i not in known]
        if wrong:
            raise BadRequest(f"{name} must be a comma list of {', '.join(known)}; "
                             f"{', '.join(repr(w) for w in wrong)} is not one of them.")
    return tuple(dict.fromkeys(items))


def number(name: str, low: float, high: float) -> float | None:
    """Return a decimal number between `low` and `high`, or None when absent."""
    raw = _raw(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a number, got {raw!r}.") from None
    if not low <= value <= high:  # also refuses nan
        raise BadRequest(f"{name} must be between {low:g} and {high:g}, got {raw}.")
    return value


def amount(name: str) -> Decimal | None:
    """Return a money amount in the shop currency (at most 4 decimals), or None when absent."""
    raw = _raw(name)
    if raw is None:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BadRequest(f"{name} must be an amount like 100 or 99.95, got {raw!r}.") from None
    if not value.is_finite() or abs(value) > MAX_AMOUNT:
        raise BadRequest(f"{name} must be an amount like 100 or 99.95, got {raw!r}.")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        raise BadRequest(f"{name} may have at most 4 decimal places, got {raw!r}.")
    return value


def count(name: str, high: int = 10**9) -> int | None:
    """Return a whole number between 0 and `high`, or None when absent."""
    return None if _raw(name) is None else whole_number(name, 0, 0, high)


def day(name: str) -> date | None:
    """Return a YYYY-MM-DD date, or None when absent."""
    return None if _raw(name) is None else iso_date(name)


def ordered(low_name: str, low: object, high_name: str, high: object) -> None:
    """Refuse a range whose low end is above its high end."""
    if low is not None and high is not None and low > high:  # type: ignore[operator]
        raise BadRequest(f"{low_name} ({low}) must not be above {high_name} ({high}).")


def identifier(name: str) -> int | None:
    """Return a positive integer id, or None when absent."""
    return None if _raw(name) is None else whole_number(name, 0, 1, 2**62)


def paging(default_sort: str) -> tuple[str, str, int, str | None]:
    """Return sort, direction, limit (1-250) and the `after` cursor."""
    sort = _raw("sort") or default_sort
    direction = (_raw("direction") or "desc").lower()
    if direction not in ("asc", "desc"):
        raise BadRequest(f"direction must be asc or desc; got {direction!r}.")
    after = _raw("after")
    if after is not None and len(after) > 1000:
        raise BadRequest("after is not a cursor this list handed out; start again without it.",
                         code="bad_cursor")
    return sort, direction, whole_number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), after
