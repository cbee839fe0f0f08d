"""Rows as lines of PostgreSQL's COPY text format, made where they are mapped (decision 088).

A 10^6-order backfill maps in a child process and writes in the worker (decision 082). Handing the
worker tuples cost both sides a serialization per value, and the worker formatted every value again
for COPY: about a third of its CPU. The mapper now formats each row of its big tables (customers,
orders, line items) with psycopg's own COPY formatter, the code `Copy.write_row` runs, so the
worker only puts the ids it alone knows (the row's, its parent's) and the batch's shop and sync
time in front of each line.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from psycopg._copy_base import format_row_text  # the C formatter with psycopg[binary] (pinned)
from psycopg.adapt import Transformer

NULL = b"\\N"


def lines(rows: Iterable[tuple[Any, ...]]) -> list[bytes]:
    """Each row (str, int or None values) as one COPY text line, with its newline.

    A Transformer of its own per call (psycopg's default dumpers: str as UTF-8, int, None as NULL):
    it caches dumpers as it goes, and two loads may map in two threads of one process.
    """
    transformer = Transformer()
    out: list[Any] = []  # bytearrays: as good as bytes to COPY, marshal and %b, and not copied again
    for row in rows:
        line = bytearray()
        format_row_text(row, transformer, line)
        out.append(line)
    return out


def fields(values: Iterable[Any]) -> list[bytes]:
    """Each value as one COPY text field (escaped, NULL for None), without a separator."""
    return [bytes(line[:-1]) for line in lines((value,) for value in values)]


def number(value: int | None) -> bytes:
    """An integer id as a COPY text field, NULL for None."""
    return NULL if value is None else b"%d" % value


def head(shop_id: int, synced: Any) -> bytes:
    """The fields every line of a batch begins with: its shop and its sync time, each with a tab."""
    return b"%d\t%s\t" % (shop_id, synced.isoformat().encode())
