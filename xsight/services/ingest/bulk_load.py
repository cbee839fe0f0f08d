"""Write a bulk export's objects in set-based batches, straight from the parsed lines.

Shopify writes a child line (`__parentId`) after its parent, so writing every buffered table in
parent-first order at each flush means a child's parent row already exists: the child takes the
id its batch just wrote, or the database resolves it from the gid (bulk_sql.py, decision 081), and
no regrouping window is needed. Everything
read before a flush is written by it, so a resume point is simply the number of objects read.
Rows follow the Writer's rules (decision 004): upsert on (shop_id, shopify_gid), newest
`updated_at` wins, the last version of a gid in a batch wins; where the shop had no rows when the
load began, plain INSERTs until one meets a stored row (decisions 079, 081).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Generator, Iterable
from contextlib import closing
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, scoped_session

from xsight.db_setup import sqlite_bulk_write
from xsight.models.types import utcnow
from xsight.services import locks
from xsight.services.ingest import (
    bulk_mapping,
    bulk_pipeline,
    bulk_postgres,
    bulk_postgres_binary,
    bulk_process,
    bulk_rows,
    bulk_sqlite,
    deferred_indexes,
)
from xsight.services.ingest.bulk_map import COPY_TABLES, TABLES, BulkMapper, Columns, Taken
from xsight.services.ingest.bulk_sql import CopyRows, Ids, Link, Rows
from xsight.services.ingest.gid_ids import GidIds
from xsight.shopify import jsonl

# Tables whose children in the same batch take their ids from the rows written (decision 081).
PARENTS = frozenset(link.parent for _, link in TABLES.values() if link is not None and link.source is None)
# Tables whose ids new rows take from a map read once, by the prefix of their gids (decision 086).
LOOKUP_PREFIXES = {"customers": "gid://shopify/Customer/"}
Pipeline = Callable[[BulkMapper, int], Generator[bulk_pipeline.Batch, None, None]]


class BulkLoader:
    """Buffer one resource's objects as stored rows and upsert them per table on `flush()`."""

    def __init__(self, session: Session | scoped_session[Any], shop_id: int, resource: str) -> None:
        self.session, self.shop_id, self.resource = session, shop_id, resource
        self.dialect = session.connection().dialect
        self.postgres = self.dialect.name == "postgresql"
        self.mapper = BulkMapper(resource, self.dialect)
        self.written: dict[str, int] = {}
        self._lookups: dict[str, GidIds] = {}  # PostgreSQL: the links of new rows, read once
        self._columns: Columns = {}  # each table's column order, as its mapper hands it over
        # Plain INSERTs into the tables where the shop had no row yet (decisions 079, 081).
        self._new_rows = {name for name, (table, _) in TABLES.items() if session.execute(
            select(table.c.id).where(table.c.shop_id == shop_id).limit(1)).first() is None}

    def add(self, obj: dict[str, Any]) -> None:
        """Queue one parsed JSONL object (a root, or a child naming its parent) for `flush`."""
        self.mapper.add(obj)

    def take(self) -> Taken:
        """Hand over what `add` mapped so far (for `flush`)."""
        return self.mapper.take()

    def flush(self, taken: Taken | None = None) -> None:
        """Write the mapped rows (`taken` from a mapper, else this loader's), parents before children.

        The shop is claimed in the same transaction (locks.claim_shop, decision 079). On PostgreSQL the
        batch takes the shop's write turn first: an `orders/delete` runs before or after it, not between.
        """
        now = utcnow()
        synced = now if self.postgres else bulk_rows.sqlite_stamp(now.isoformat())
        columns, tables = self.mapper.take() if taken is None else taken
        self._columns.update(columns)
        batch = [(table, tables[table]) for table in TABLES if table in tables]
        if self.postgres:
            self._flush_postgres(batch, synced)
        else:
            self._sqlite_bulk_transaction()
            self._write_batch(batch, synced, bulk_sqlite.met_stored_row, lambda: None)
            locks.claim_shop(self.session, self.shop_id)
        for table, rows in batch:
            self.written[table] = self.written.get(table, 0) + len(rows)

    def _flush_postgres(self, batch: list[tuple[str, Rows | CopyRows]], synced: Any) -> None:
        """Write the batch after the shop's write turn and claim, inside a savepoint when it inserts."""
        savepoint = any(table in self._new_rows for table, _ in batch)
        cursor = self.session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            bulk_postgres.begin(cursor, self.shop_id, savepoint=savepoint)
            self._write_batch(batch, synced, bulk_postgres.met_stored_row, lambda: bulk_postgres.undo(cursor))
            if savepoint:
                bulk_postgres.end(cursor)
        finally:
            cursor.close()

    def _write_batch(self, batch: list[tuple[str, Rows | CopyRows]], synced: Any,
                     met_stored_row: Callable[[BaseException], bool], undo: Callable[[], None]) -> None:
        """Plain INSERTs where the shop had no rows when the load began; at a stored row, upserts.

        A row can be stored meanwhile (a webhook): the INSERT then fails with a unique violation, and
        the batch is written again as upserts, as is the rest of the load. PostgreSQL first goes back
        to the batch's savepoint (`undo`, which also undoes the ids read); SQLite undoes only the
        failing row, and the rows the INSERTs stored are upserted to the same values.
        """
        inserting = any(table in self._new_rows for table, _ in batch)
        try:
            ids: Ids = {}
            for table, rows in batch:
                self._write(table, rows, synced, ids, new_rows=table in self._new_rows)
        except Exception as exc:
            if not (inserting and met_stored_row(exc)):
                raise
            undo()
            self._new_rows.clear()
            ids = {}
            for table, rows in batch:
                self._write(table, rows, synced, ids)

    def _sqlite_bulk_transaction(self) -> None:
        """Give this SQLite transaction the bulk settings (db_setup.sqlite_bulk_write; undone at checkin).

        Foreign-key checks cannot fail here: each parent id is read from its parent table in this
        transaction (by the writing statement, or just before it), the shop id is ours.
        """
        proxied = self.session.connection().connection
        raw = proxied.dbapi_connection
        if raw is None or raw.in_transaction:
            return  # the foreign-key pragma does nothing inside a transaction: keep the defaults
        sqlite_bulk_write(raw, proxied.info)

    def _write(self, table: str, rows: Rows | CopyRows,
               synced: Any, ids: Ids, *, new_rows: bool = False) -> None:
        name, link, columns = TABLES[table][0].name, TABLES[table][1], self._columns[table]
        cursor = self.session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if self.postgres and table in COPY_TABLES:  # the mapper's binary COPY rows (decision 089)
                lookup = self._lookup(link) if new_rows and link is not None and link.source else None
                bulk_postgres_binary.write(cursor, name, columns, link, rows, (self.shop_id, synced),  # type: ignore[arg-type]
                                         new_rows=new_rows, ids=ids, parent=table in PARENTS, lookup=lookup)
            elif self.postgres:
                bulk_postgres.write(cursor, name, columns, link, rows, (self.shop_id, synced),  # type: ignore[arg-type]
                                    new_rows=new_rows, ids=ids, parent=table in PARENTS)
            else:
                bulk_sqlite.write(cursor, name, columns, link, rows, (self.shop_id, synced),  # type: ignore[arg-type]
                                  new_rows=new_rows, ids=ids, parent=table in PARENTS)
        finally:
            cursor.close()

    def _lookup(self, link: Link) -> GidIds | None:
        """The ids of the shop's rows a link points at (customers), read at the first use (decision 086)."""
        prefix = LOOKUP_PREFIXES.get(link.parent)
        if prefix is None:
            return None
        if link.parent not in self._lookups:
            raw = self.session.connection().connection.dbapi_connection
            self._lookups[link.parent] = GidIds.read(raw, link.parent, self.shop_id, prefix)
        return self._lookups[link.parent]


def load(session: Session | scoped_session[Any], shop_id: int, resource: str,
         objects: Iterable[dict[str, Any]], *, commit_every: int,
         on_commit: Callable[[int], None]) -> int:
    """Write every object; after each `commit_every` objects flush and call `on_commit(count)`.

    On PostgreSQL the next batch is read and mapped in a helper thread while the server writes
    this one (bulk_pipeline, decision 006). A first load into an empty table builds its secondary
    indexes at the end (deferred_indexes, decisions 080, 087).
    """
    loader = BulkLoader(session, shop_id, resource)
    pipeline = bulk_pipeline.batches if loader.postgres else bulk_pipeline.in_line
    return _run(loader, lambda mapper, every: pipeline(mapper, objects, every), commit_every, on_commit)


def load_jsonl(session: Session | scoped_session[Any], shop_id: int, resource: str,
               data: Iterable[bytes], *, skip: int = 0, expected: int = 0, commit_every: int,
               on_commit: Callable[[int], None], process: subprocess.Popen[bytes] | None = None) -> int:
    """Write a JSONL export given as bytes, after its first `skip` objects; return the objects written.

    When `expected` (the export's object count) leaves enough to write (bulk_process.MIN_OBJECTS),
    a child process parses and maps while this one writes (decision 082): `process` if one was
    started ahead for this load (bulk_mapping.py), else one started here; otherwise as `load`.
    """
    frame = bulk_process.frame_objects(commit_every)
    proc = process
    try:
        dialect = session.connection().dialect.name
        if proc is not None and not bulk_process.started_for(proc, resource, dialect, skip=skip, every=frame):
            bulk_process.stop(proc)  # started for another load: never feed it this one
            proc = None
        if proc is None:
            proc = bulk_mapping.start_mapping(session, resource, expected=expected, skip=skip,
                                              commit_every=commit_every)
    except BaseException:
        if proc is not None:  # a process started ahead is this load's to stop (bulk_mapping.Ahead)
            bulk_process.stop(proc)
        raise
    if proc is None:
        return load(session, shop_id, resource, jsonl.parse_lines(jsonl.lines(data), skip=skip),
                    commit_every=commit_every, on_commit=on_commit)
    try:
        return _run(BulkLoader(session, shop_id, resource),
                    lambda _mapper, _every: bulk_process.batches(proc, data), commit_every,
                    on_commit, frame=frame)
    finally:
        bulk_process.stop(proc)  # already reaped unless the load failed before reading from it


def _run(loader: BulkLoader, pipeline: Pipeline, commit_every: int,
         on_commit: Callable[[int], None], frame: int | None = None) -> int:
    """Flush each batch of `frame` objects the pipeline yields; commit (`on_commit`) once past each
    `commit_every` objects. Into an empty table, defer the secondary indexes and build them at the end.
    """
    session, count, committed = loader.session, 0, 0
    deferred = deferred_indexes.defer(session, loader.resource, loader.shop_id)
    try:
        with bulk_pipeline.relaxed_gc(), closing(pipeline(loader.mapper, frame or commit_every)) as mapped:
            for taken, count, last in mapped:
                loader.flush(taken)
                del taken  # not alive while the next batch is unpacked: ~30 MB less at the peak
                if not last and count // commit_every > committed // commit_every:
                    on_commit(count)
                    committed = count
    except BaseException:
        if deferred:  # what was committed keeps its indexes; the failed batch is undone anyway
            session.rollback()
            deferred_indexes.build(session, deferred)
            session.commit()
        raise
    if deferred and loader.postgres:
        # The last batch commits first: CREATE INDEX waits for every writer of the table, and a
        # transaction still holding this load's writes could deadlock with another load's build.
        if count != committed:
            on_commit(count)
        deferred_indexes.build(session, deferred)
        session.commit()
    else:
        deferred_indexes.build(session, deferred)  # with the last batch, which the caller commits
    return count
