"""Resolve rule date values (`2026-01-31`, `today`, `yesterday`, `-30d`, `+2w`, `-3m`, `-1y`) to days."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from xsight.services.segments.tree import RELATIVE


def resolve(value: str, today: date) -> date:
    """Return the calendar day a canonical date value names, relative to the shop's `today`."""
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    relative = RELATIVE.fullmatch(value)
    if relative is None:
        return date.fromisoformat(value)
    sign = 1 if relative.group(1) == "+" else -1
    amount, unit = int(relative.group(2)) * sign, relative.group(3)
    if unit == "d":
        return today + timedelta(days=amount)
    if unit == "w":
        return today + timedelta(weeks=amount)
    months = amount if unit == "m" else amount * 12
    return add_months(today, months)


def add_months(day: date, months: int) -> date:
    """Move `day` by whole calendar months, clamping to the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    year = min(max(year, 1), 9999)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def shop_today(timezone: str, now: datetime) -> date:
    """Return the calendar day it is in the shop's time zone at the instant `now`."""
    return now.astimezone(ZoneInfo(timezone)).date()


def day_start(day: date, timezone: str) -> datetime:
    """Return the UTC instant a shop-local day begins."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(timezone)).astimezone(ZoneInfo("UTC"))
