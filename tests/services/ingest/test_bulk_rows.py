"""The bulk mappers' fast paths store exactly what the general conversion stores."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from xsight.services.ingest.bulk_rows import flag, postgres_stamp, sqlite_stamp

STAMPS = ["2026-01-01T10:00:00Z", "2026-03-08T02:30:00Z", "2026-12-31T23:59:59Z",
          "2026-01-01T10:00:00.5Z", "2026-01-01T10:00:00-05:00", "2026-01-01T10:00:00+00:00",
          # 20 characters ending in Z that are not the usual layout: the general path reads them.
          "2026-W01-1T10:00:00Z", "20260101T100000.123Z"]


@pytest.mark.parametrize("value", STAMPS)
def test_stamps_equal_the_parsed_and_formatted_time(value: str) -> None:
    parsed = datetime.fromisoformat(value)
    assert sqlite_stamp(value) == parsed.astimezone(UTC).isoformat(" ", "microseconds")[:26]
    stamp = postgres_stamp(value)  # a datetime: binary COPY sends its instant in UTC
    assert stamp is not None
    assert stamp.astimezone(UTC).isoformat(" ", "microseconds")[:26] == sqlite_stamp(value)


@pytest.mark.parametrize("value", ["2026-13-01T10:00:00Z", "2026-01-01T25:00:00Z",
                                   "2026-01-01X10:00:0xZ", "2026-01-01T10:00:00",
                                   "2026-01-01T10:00+01Z", "2026-02-29T10:00:00Z",
                                   "2026-01-01T10:00:60Z", "2026-01-01T10:60:00Z",
                                   "\uff12026-01-01T10:00:00Z"])
def test_a_malformed_or_zoneless_stamp_is_refused(value: str) -> None:
    for stamp in (sqlite_stamp, postgres_stamp):
        with pytest.raises(ValueError):
            stamp(value)


def test_a_day_refused_once_is_refused_again_and_a_known_day_takes_any_valid_time() -> None:
    """The fast path remembers the days it has validated: never one that failed."""
    for _ in range(2):
        with pytest.raises(ValueError):
            sqlite_stamp("2027-02-29T00:00:00Z")
    assert sqlite_stamp("2028-02-29T23:59:59Z") == "2028-02-29 23:59:59.000000"
    assert sqlite_stamp("2028-02-29T00:00:00Z") == "2028-02-29 00:00:00.000000"
    with pytest.raises(ValueError):
        sqlite_stamp("2028-02-29T24:00:00Z")


def test_flags_are_plain_integers() -> None:
    assert [flag(v) for v in (True, False, None, 1, 0, "")] == [1, 0, 0, 1, 0, 0]
    assert all(type(flag(v)) is int for v in (True, False))  # bound without sqlite3's adapter lookup
