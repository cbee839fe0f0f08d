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


def refresh_statistics(session: Any, tables: tuple[str, ...]) -> None:
    """Refresh PostgreSQL's statistics of these tables after a whole-shop rewrite (nothing on SQLite).

    Autovacuum may not have caught up with a rewrite of 200k rows when the next list asks. SQLite is
    left without statistics, as before: with sampled statistics of the facts tables the second
    refresh of 20 segments in the benchmark took twice as long as without, in a run whose build was
    8x faster (not analysed further; full statistics were not tried there, see decision 047).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ANALYZE {', '.join(tables)}"))
