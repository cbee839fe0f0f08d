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
    assert datetime.fromisoformat(postgres_stamp(value) or "") == parsed


@pytest.mark.parametrize("value", ["2026-13-01T10:00:00Z", "2026-01-01T25:00:00Z",
                                   "2026-01-01X10:00:0xZ", "2026-01-01T10:00:00",
                                   "2026-01-01T10:00+01Z"])
def test_a_malformed_or_zoneless_stamp_is_refused(value: str) -> None:
    for stamp in (sqlite_stamp, postgres_stamp):
        with pytest.raises(ValueError):
            stamp(value)


def test_flags_are_plain_integers() -> None:
    assert [flag(v) for v in (True, False, None, 1, 0, "")] == [1, 0, 0, 1, 0, 0]
    assert all(type(flag(v)) is int for v in (True, False))  # bound without sqlite3's adapter lookup
