"""Column types: exact money, aware UTC timestamps, portable ids and JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# Money is stored as an integer count of 1/10,000 of the currency unit: exact on every
# backend (SQLite has no exact decimal), fast to SUM, and fine enough for every ISO 4217
# currency (the most precise have 4 decimals). Python code sees Decimal.
MONEY_SCALE = 10_000

# SQLite only auto-increments INTEGER PRIMARY KEY, PostgreSQL wants BIGINT for growth.
BigId = BigInteger().with_variant(Integer(), "sqlite")
JsonType = JSON().with_variant(JSONB(), "postgresql")
# A Shopify gid ("gid://shopify/Order/123"): compared byte by byte on PostgreSQL (decision 088). Gids
# are ASCII, so every collation orders them alike, but the database's locale collation made each
# comparison in the unique (shop_id, shopify_gid) B-trees a strcoll call: ~2.8 s more server CPU
# per 10^6-order backfill. Where a gid meets a text of the default collation, "C" is the one used.
GidString = String(120).with_variant(String(120, collation="C"), "postgresql")
# A customer key (the customer's gid, or a guest's e-mail key) is joined with gids: the same "C". A
# join of a "C" column with a default-collation one compares in "C", and the other side's index
# (default collation) cannot serve it: every column a gid is joined with must be "C" too.
CustomerKeyString = String(340).with_variant(String(340, collation="C"), "postgresql")


def to_minor(value: Decimal | str | int) -> int:
    """Convert an amount to stored units, refusing anything finer than 1/10,000."""
    amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -4:  # the common case: at most 4 decimals
        return int(amount.scaleb(4))
    scaled = amount * MONEY_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"Amount {value!r} has more than 4 decimal places.")
    return int(scaled)


def from_minor(value: int) -> Decimal:
    """Convert stored units back to an exact Decimal amount."""
    return Decimal(int(value)).scaleb(-4)


class Money(TypeDecorator[Decimal]):
    """An exact amount in the row's currency, stored as integer 1/10,000 units."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else to_minor(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else from_minor(value)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp; naive datetimes are refused on the way in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"Timestamps must be timezone-aware datetimes, got {value!r}.")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)
