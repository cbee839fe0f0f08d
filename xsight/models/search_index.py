"""Trigram indexes over the facts' names and e-mails, so a search reads candidates instead of every row.

SQLite: a contentless FTS5 table (`trigram` tokenizer, case folded) whose rowid is the customer id,
kept in step with `customer_facts` by triggers, so every writer, rebuild and cascade (a redaction, a
shop's deletion) updates it in the same statement. PostgreSQL: `pg_trgm` GIN indexes on `name_key`
and `lower(email)`, which the planner uses for the search's LIKE by itself; when the extension cannot
be created (no privilege, not installed) the indexes are skipped and search scans as before.
Neither is in SQLAlchemy's metadata: both are created with `customer_facts` (and by migration 0012).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import exc

log = logging.getLogger(__name__)

FTS_TABLE = "customer_facts_search"
# Schema objects that are not in the metadata (Alembic's comparison leaves them alone).
FTS_TABLES = frozenset({FTS_TABLE, *(f"{FTS_TABLE}_{part}" for part in ("data", "idx", "docsize", "config"))})
TRIGRAM_INDEXES = {"ix_customer_facts_name_trgm": "name_key gin_trgm_ops",
                   "ix_customer_facts_email_trgm": "lower(email) gin_trgm_ops"}
UNMAPPED = FTS_TABLES | frozenset(TRIGRAM_INDEXES)

# Constant SQL text (no value is ever formatted into it).
_ADD = ("INSERT INTO customer_facts_search (rowid, name_key, email) "
        "VALUES (new.customer_id, new.name_key, new.email);")
_REMOVE = ("INSERT INTO customer_facts_search (customer_facts_search, rowid, name_key, email) "
           "VALUES ('delete', old.customer_id, old.name_key, old.email);")
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(name_key, email, content='', "
    "tokenize='trigram case_sensitive 0')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON customer_facts BEGIN {_ADD} END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON customer_facts BEGIN {_REMOVE} END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF customer_id, name_key, email "
    f"ON customer_facts BEGIN {_REMOVE} {_ADD} END",
)
# Fill the index from rows already there (migration 0012); the triggers keep it from then on.
SQLITE_FILL = ("INSERT INTO customer_facts_search (rowid, name_key, email) "
               "SELECT customer_id, name_key, email FROM customer_facts")


def has_fts5(connection: Any) -> bool:
    """Return whether this SQLite library was compiled with FTS5."""
    return bool(connection.exec_driver_sql(
        "SELECT sqlite_compileoption_used('ENABLE_FTS5')").scalar())


def install(connection: Any, *, fill: bool = False, extension: str = "pg_trgm") -> bool:
    """Create the trigram index of this backend; return False when it cannot be had (search then scans)."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        if not has_fts5(connection):
            log.warning("search.no_fts5", extra={"table": FTS_TABLE})
            return False
        for statement in SQLITE_DDL:
            connection.exec_driver_sql(statement)
        if fill:
            connection.exec_driver_sql(SQLITE_FILL)
        return True
    if dialect != "postgresql":
        return False
    try:
        with connection.begin_nested():  # a failure leaves the surrounding transaction usable
            connection.exec_driver_sql(f'CREATE EXTENSION IF NOT EXISTS "{extension}"')
            for name, column in TRIGRAM_INDEXES.items():
                connection.exec_driver_sql(
                    f"CREATE INDEX IF NOT EXISTS {name} ON customer_facts USING gin ({column})")
    except exc.DBAPIError as error:
        log.warning("search.no_trigram_index", extra={"extension": extension,
                                                     "reason": type(error.orig).__name__})
        return False
    return True


def uninstall(connection: Any) -> None:
    """Drop the trigram index of this backend (the triggers and GIN indexes go with their table)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif connection.dialect.name == "postgresql":
        for name in TRIGRAM_INDEXES:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def after_create(target: Any, connection: Any, **_: Any) -> None:
    """Create the index with `customer_facts` (metadata `create_all`)."""
    install(connection)


def before_drop(target: Any, connection: Any, **_: Any) -> None:
    """Drop the index before `customer_facts` (metadata `drop_all`)."""
    uninstall(connection)
