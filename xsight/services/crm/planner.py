"""Session settings for the CRM's short, index-driven queries (lists, previews, refreshes, exports)."""

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
