"""Format the store's values the way Shopify does: GIDs, money and timestamps."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

GID_PREFIX = "gid://shopify/"
ID_BASE = 7_000_000_000_000  # Shopify-looking numeric ids (13 digits)
ID_SHOP_STRIDE = 10_000_000_000  # ids of shop n live in [ID_BASE + n*stride, ID_BASE + (n+1)*stride)
CENT = Decimal("0.01")


KIND_OFFSETS = {  # disjoint id ranges per kind inside one shop's stride
    "Customer": 100_000_000,
    "Product": 400_000_000,
    "ProductVariant": 500_000_000,
    "Order": 1_000_000_000,
    "LineItem": 2_000_000_000,
    "Refund": 6_000_000_000,
    "RefundLineItem": 7_000_000_000,
    "ShippingLine": 8_000_000_000,
    "BulkOperation": 9_000_000_000,
    "OrderAdjustment": 9_500_000_000,
    "RefundShippingLine": 9_600_000_000,
}


def make_id(shop_no: int, kind: str, seq: int) -> int:
    """Return the numeric id of the seq-th object of a kind in shop number shop_no."""
    return ID_BASE + shop_no * ID_SHOP_STRIDE + KIND_OFFSETS[kind] + seq


def gid(kind: str, num: int) -> str:
    """Return the global id `gid://shopify/{kind}/{num}`."""
    return f"{GID_PREFIX}{kind}/{num}"


def parse_gid(value: str) -> tuple[str, int] | None:
    """Split a global id into (kind, numeric id), or None when it is not one."""
    if not value.startswith(GID_PREFIX):
        return None
    kind, _, num = value[len(GID_PREFIX) :].partition("/")
    num = num.split("?", 1)[0]
    if not kind or not num.isdigit():
        return None
    return kind, int(num)


def cents_str(cents: int) -> str:
    """Format integer minor units as Shopify's decimal string (1234 -> "12.34")."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


def parse_cents(amount: str) -> int:
    """Parse a decimal string into integer minor units, exactly."""
    return int((Decimal(amount) * 100).to_integral_value(ROUND_HALF_EVEN))


def convert_cents(cents: int, rate: str) -> int:
    """Convert shop-currency cents to presentment cents at an exact decimal rate."""
    if rate == "1":
        return cents
    return int((Decimal(cents) * _decimal(rate)).to_integral_value(ROUND_HALF_EVEN))


@functools.lru_cache(maxsize=64)
def _decimal(text: str) -> Decimal:
    return Decimal(text)


def money_bag(cents: int, currency: str, p_currency: str, rate: str) -> dict[str, Any]:
    """Return a MoneyBag: shop money plus the same amount in the presentment currency."""
    return {
        "shopMoney": {"amount": cents_str(cents), "currencyCode": currency},
        "presentmentMoney": {"amount": cents_str(convert_cents(cents, rate)), "currencyCode": p_currency},
    }


def ts(epoch: float) -> str:
    """Return the internal sortable UTC timestamp (microseconds) for a POSIX time."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def api_ts(internal: str | None) -> str | None:
    """Return a stored timestamp as Shopify's DateTime (second precision, `Z`)."""
    if internal is None:
        return None
    return internal[:19] + "Z"


def rest_ts(internal: str | None) -> str | None:
    """Return a stored timestamp as the REST/webhook form (`2026-01-01T10:00:00+00:00`)."""
    if internal is None:
        return None
    return internal[:19] + "+00:00"


def parse_time(text: str) -> float:
    """Parse an ISO date or date-time (Shopify search syntax) into a POSIX time."""
    value = text.strip().strip("'\"")
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def now_ts() -> str:
    """Return the current time as an internal timestamp."""
    return ts(datetime.now(UTC).timestamp())
