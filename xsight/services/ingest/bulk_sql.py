"""Statements of the bulk loader: newest-wins upserts (or plain INSERTs) that link each row's parent.

A child row carries its parent's gid and, when the same batch wrote that parent, its id (the loader
reads the ids of the rows it wrote back, decision 081); otherwise the database turns the gid into
the parent's id with a scalar sub-select per row, which `coalesce` runs only for those rows. An
order's customer is linked in the same statement when it exists. Identifiers come from our own
table metadata, never from input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CONFLICT_KEY = ("shop_id", "shopify_gid")
PARENT_COLUMN = "_parent_gid"  # the staged parent gid on PostgreSQL
PARENT_ID_COLUMN = "_parent_id"  # the staged parent id on PostgreSQL, when the batch wrote the parent

Rows = list[tuple[tuple[Any, ...], str | None]]  # (stored row, parent gid) of one table in a batch
# PostgreSQL's big tables: (the row's binary COPY fields, its gid, its link's gid), bulk_map.COPY_TABLES
CopyRows = list[tuple[bytes | bytearray, str, str | None]]
Ids = dict[str, dict[str, int]]  # table -> gid -> id of the rows a batch wrote to it


@dataclass(frozen=True)
class Link:
    """A foreign key filled from a parent gid: `fk` = id of the `parent` row with that gid."""

    fk: str
    parent: str
    source: str | None = None  # a column of the row that holds the gid (else a separate value)


def _guard(table: str) -> str:
    return (f"{table}.shopify_updated_at IS NULL OR excluded.shopify_updated_at IS NULL "
            f"OR excluded.shopify_updated_at >= {table}.shopify_updated_at")


def _conflict(table: str, names: list[str]) -> str:
    updates = ", ".join(f"{name} = excluded.{name}" for name in names if name not in CONFLICT_KEY)
    return (f" ON CONFLICT (shop_id, shopify_gid) DO UPDATE SET {updates} "
            f"WHERE {_guard(table)}")


def sqlite_upsert(table: str, columns: tuple[str, ...], link: Link | None, *,
                  new_rows: bool = False) -> str:
    """Return an executemany upsert: params (shop_id, synced_at, *row), then for a link
    ([parent_id, ]shop_id, gid).

    A link with a `source` column takes (shop_id, gid) only; one without also takes the parent's
    id first, None when the batch did not write that parent (the sub-select then finds it).
    `new_rows`: a plain INSERT, which fails with a unique violation at a stored row.
    """
    names = ["shop_id", "synced_at", *columns]
    marks = ["?"] * len(names)
    if link is not None:
        names.append(link.fk)
        lookup = f"(SELECT id FROM {link.parent} WHERE shop_id = ? AND shopify_gid = ?)"  # noqa: S608
        marks.append(lookup if link.source is not None else f"coalesce(?, {lookup})")
    return (f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(marks)})"  # noqa: S608
            + ("" if new_rows else _conflict(table, names)))


def postgres_stage(table: str, columns: tuple[str, ...], link: Link | None) -> tuple[str, str]:
    """Return (create the temporary stage, COPY into it) for a batch of `table`."""
    stage = f"_bulk_{table}"
    staged = list(columns)
    child = link is not None and link.source is None
    if child:
        staged += [f"shopify_gid AS {PARENT_COLUMN}", f"id AS {PARENT_ID_COLUMN}"]
    create = (f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS "  # noqa: S608
              f"SELECT {', '.join(staged)} FROM {table} WITH NO DATA")
    copy_names = [*columns, *([PARENT_COLUMN, PARENT_ID_COLUMN] if child else [])]
    return create, f"COPY {stage} ({', '.join(copy_names)}) FROM STDIN"


def postgres_upsert(table: str, columns: tuple[str, ...], link: Link | None, *,
                    new_rows: bool = False, returning: bool = False) -> str:
    """Return the INSERT … SELECT from the stage: params (shop_id, synced_at[, shop_id]).

    `new_rows`: a plain INSERT, for rows none of which is stored yet; a stored one makes it fail with
    a unique violation (the caller then writes the batch again as an upsert). `returning`: the
    statement returns (shopify_gid, id) of every row it inserted or updated.
    """
    stage = f"_bulk_{table}"
    names = ["shop_id", "synced_at", *columns]
    selected = ["%s", "%s", *(f"s.{c}" for c in columns)]
    if link is not None:
        # A scalar sub-select per row probes the parent's unique index; a join would hash every
        # parent row of the shop at each batch (the stage has no statistics), growing with it.
        names.append(link.fk)
        key = f"s.{link.source or PARENT_COLUMN}"
        lookup = f"(SELECT p.id FROM {link.parent} p WHERE p.shop_id = %s AND p.shopify_gid = {key})"  # noqa: S608
        selected.append(lookup if link.source is not None else f"coalesce(s.{PARENT_ID_COLUMN}, {lookup})")
    return (f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
            f"SELECT {', '.join(selected)} FROM {stage} s" + ("" if new_rows else _conflict(table, names))
            + (" RETURNING shopify_gid, id" if returning else ""))
