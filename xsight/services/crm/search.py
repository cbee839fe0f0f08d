"""The customer list's search: a substring of the name or e-mail, narrowed by a trigram index first.

The condition is always the LIKE test that defines a match (lower-cased name key or e-mail contains
the lower-cased text). On SQLite, a text of three or more characters is first narrowed to the
customers whose FTS5 trigram index (`xsight.models.search_index`) holds the text as a phrase; that
index folds case at least as far as LIKE does, so it returns every LIKE match and maybe more, and the
LIKE test then keeps exactly the matches. PostgreSQL's planner reads its `pg_trgm` indexes for the
LIKE by itself.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Subquery, and_, column, func, literal_column, or_, select, table, text

from xsight.extensions import db
from xsight.models.search_index import FTS_TABLE

# A trigram index can only narrow a text of at least three characters; shorter ones scan.
MIN_CHARS = 3
# A page (not a count) reads the index's candidates first only when there are fewer than this many:
# with more, matches are dense enough that walking the sort index meets a page of them sooner than
# the index lists them all (measured: 93 ms of CPU to list 200k candidates of "example.com").
DENSE = 2000
_FTS = table(FTS_TABLE, column("rowid"))


def like_pattern(text: str) -> str:
    """Return a LIKE pattern matching `text` anywhere, with LIKE's wildcards escaped by `\\`."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def phrase(text: str) -> str:
    """Return an FTS5 query for `text` as one phrase (a substring, with the trigram tokenizer)."""
    return '"' + text.lower().replace('"', '""') + '"'


def contains(facts: Subquery, q: str) -> ColumnElement[bool]:
    """Return the test that defines a match: the name key or the lower-cased e-mail contains `q`."""
    pattern = like_pattern(q)
    return or_(func.lower(facts.c.email).like(pattern, escape="\\"),
               facts.c.name_key.like(pattern, escape="\\"))


def matches(facts: Subquery, q: str, *, counting: bool = False) -> ColumnElement[bool]:
    """Return `contains`, narrowed first by the trigram index where this database has one.

    A count always reads the candidates (it would otherwise test every row); a page only when they
    are few (`DENSE`).
    """
    scan = contains(facts, q)
    if len(q.lower()) < MIN_CHARS or not fts_ready():
        return scan
    candidates = select(_FTS.c.rowid).where(literal_column(FTS_TABLE).match(phrase(q)))
    if not counting and (db.session.scalar(select(func.count()).select_from(
            candidates.limit(DENSE).subquery())) or 0) >= DENSE:
        return scan
    return and_(facts.c.customer_id.in_(candidates), scan)


def fts_ready() -> bool:
    """Return whether this database is SQLite with the FTS5 search table in place."""
    if db.engine.dialect.name != "sqlite":
        return False
    return db.session.scalar(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
                             {"name": FTS_TABLE}) is not None
