"""SQLite binding: None goes through the registered identity adapter and is stored as NULL."""

from __future__ import annotations

import sqlite3

from xsight import db_setup


def test_none_binds_through_the_identity_adapter_as_null() -> None:
    assert sqlite3.adapters[(type(None), sqlite3.PrepareProtocol)] is db_setup._null
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a, b)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(None, 1), (None, None)])
    assert conn.execute("SELECT typeof(a), typeof(b) FROM t").fetchall() == [("null", "integer"),
                                                                             ("null", "null")]
