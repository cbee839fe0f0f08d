"""Rows as fields of PostgreSQL's binary COPY format, made where they are mapped (decisions 088, 089).

A 10^6-order backfill maps in a child process and writes in the worker (decision 082). The mapper
formats each row of its big tables (customers, orders, line items) with psycopg's own C formatter,
the code `Copy.write_row` runs, each value with the binary dumper of its column's type, so the
worker only puts the ids it alone knows (the row's, its parent's) and the batch's shop and sync
time in front of each row. Binary, not text: the server reads a timestamp or an integer as 8 bytes
instead of parsing its text (a third of its COPY time went to field input, decision 089).

A row here is its fields without the leading field count, which `count` writes for the whole
line once the worker knows how many fields it puts in front.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from psycopg._copy_base import format_row_binary  # the C formatter with psycopg[binary] (pinned)
from psycopg.adapt import AdaptersMap, Transformer
from psycopg.pq import Format
from psycopg.types.string import BytesBinaryDumper
from sqlalchemy import Column
from sqlalchemy.dialects import postgresql

NULL = b"\xff\xff\xff\xff"  # a field of length -1
SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # the header: no flags, no extension area
TRAILER = b"\xff\xff"  # a field count of -1
INT8, TEXT, INT4, BOOL, BYTEA, TIMESTAMPTZ = 20, 25, 23, 16, 17, 1184  # PostgreSQL's built-in type oids
_OIDS = {"BIGINT": INT8, "INTEGER": INT4, "BOOLEAN": BOOL, "VARCHAR": TEXT, "TEXT": TEXT,
         "TIMESTAMP WITH TIME ZONE": TIMESTAMPTZ, "JSONB": BYTEA}
_POSTGRES = postgresql.psycopg.dialect()
# psycopg's default dumper for bytea's oid is DB-API's `Binary` one, in Python; bytes get the C one.
_ADAPTERS = AdaptersMap(psycopg.adapters)
_ADAPTERS.register_dumper(bytes, BytesBinaryDumper)
INT4_MIN, INT4_MAX = -(1 << 31), (1 << 31) - 1
_COUNT = struct.Struct("!h").pack
_local = threading.local()  # each thread's Transformers by column types (two loads may map in two threads)
_NUMBER = struct.Struct("!iq").pack


def oid(column: Column[Any]) -> int:
    """Return the oid of the binary dumper for a column's values, from its PostgreSQL type.

    A jsonb column gets bytea's (raw bytes): its values come as jsonb's binary form already
    (bulk_rows.jsonb_tags); varchar and text take the string's UTF-8 bytes.
    """
    ddl = column.type.compile(dialect=_POSTGRES)  # e.g. 'VARCHAR(120) COLLATE "C"'
    name = ddl.split("(")[0].split(" COLLATE ")[0].strip()
    if name not in _OIDS:
        raise TypeError(f"No binary COPY format for column {column.name} ({ddl}).")
    return _OIDS[name]


def lines(rows: Iterable[Sequence[Any]], oids: Sequence[int]) -> list[bytearray]:
    """Return each row's fields in binary (`oids`: its columns' types; None as NULL), without the count.

    psycopg's C dumper for `integer` keeps the low 32 bits of any int, so those values are
    range-checked here (a text COPY failed with "integer out of range").
    """
    transformer = _transformer(tuple(oids))
    int4s = [index for index, kind in enumerate(oids) if kind == INT4]
    out: list[bytearray] = []
    for row in rows:
        for index in int4s:
            value = row[index]
            if value is not None and (value.__class__ is not int or not INT4_MIN <= value <= INT4_MAX):
                raise ValueError(f"Value {value!r} is out of range for an integer column.")
        line = bytearray()
        format_row_binary(row, transformer, line)
        del line[:2]  # the field count (bytearray drops a prefix without copying the rest)
        out.append(line)
    return out


def _transformer(oids: tuple[int, ...]) -> Any:
    """This thread's Transformer for these column types (made once: ~2 µs, as much as a row's fields)."""
    made: dict[tuple[int, ...], Any] | None = getattr(_local, "transformers", None)  # Transformer: an alias
    if made is None:
        made = _local.transformers = {}
    if oids not in made:
        transformer = Transformer(_ADAPTERS)
        transformer.set_dumper_types(oids, Format.BINARY)
        made[oids] = transformer
    return made[oids]


def count(fields: int) -> bytes:
    """Return the field count a line begins with."""
    return _COUNT(fields)


def number(value: int | None) -> bytes:
    """Return an id as a bigint field, NULL for None."""
    return NULL if value is None else _NUMBER(8, value)


def fields(values: Iterable[str | None]) -> list[bytes]:
    """Return each string as one text field (its UTF-8 bytes), NULL for None."""
    return [bytes(line) for line in lines(((value,) for value in values), (TEXT,))]


def head(shop_id: int, synced: Any) -> bytes:
    """Return the fields every line of a batch has after its ids: its shop and its sync time."""
    return bytes(lines([(shop_id, synced)], (INT8, TIMESTAMPTZ))[0])
