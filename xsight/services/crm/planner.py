"""Planner help for the CRM's short, index-driven queries: no JIT, fresh statistics after bulk writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text


def interactive(session: Any) -> None:
    """Turn PostgreSQL's JIT compiler off for the rest of this transaction (nothing on SQLite).

    PostgreSQL compiles a query to machine code once its estimated cost passes `jit_above_cost`; a
    segment condition with a tag test over 200k facts rows is estimated far above it (the planner
    prices the tag subquery per row), and compiling took 0.5 s of a 1 s preview here, for a query
    that runs in 0.1-0.3 s interpreted. Nothing the CRM runs is long enough to win the time back.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


# 0 = SQLite's ANALYZE reads every row: a sample of 1,000 rows recorded ~1,000 rows per shop_id, and
# the planner then counted a 200k-row shop through an index, one table lookup per row (6x the CPU of a
# scan). A full pass takes ~0.5 s at 200k customers.
SQLITE_ANALYSIS_LIMIT = 0


def refresh_statistics(session: Any, tables: tuple[str, ...]) -> None:
    """Refresh the planner's statistics of these tables after a whole-shop rewrite of them.

    Without statistics SQLite counts a shop's 200k facts rows through whichever (shop_id, …) index
    it meets first, one table lookup per row (170 ms of CPU instead of 30 ms for a scan), and
    PostgreSQL's autovacuum may not have caught up with a rewrite when the next list asks.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ANALYZE {', '.join(tables)}"))
        return
    session.execute(text(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}"))
    for table in tables:
        session.execute(text(f"ANALYZE {table}"))
