"""SQLite connection set-up: None binds through an identity adapter; page-cache blocks put settings back;
new files get big pages."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from xsight import db_setup
from xsight.extensions import db


def test_none_binds_through_the_identity_adapter_as_null() -> None:
    assert sqlite3.adapters[(type(None), sqlite3.PrepareProtocol)] is db_setup._null
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a, b)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(None, 1), (None, None)])
    assert conn.execute("SELECT typeof(a), typeof(b) FROM t").fetchall() == [("null", "integer"),
                                                                             ("null", "null")]


def test_the_page_cache_block_sets_and_puts_back_cache_and_map(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("a SQLite connection setting")

        def settings() -> tuple[int, int]:
            return (db.session.execute(text("PRAGMA cache_size")).scalar_one(),
                    db.session.execute(text("PRAGMA mmap_size")).scalar_one())

        before = settings()
        with db_setup.sqlite_page_cache(db.session, 4096):
            assert settings() == (-4096, before[1])
        with db_setup.sqlite_page_cache(db.session, 8192, mmap=False):
            assert settings() == (-8192, 0)
        assert settings() == before


def test_a_new_database_file_gets_big_pages_and_an_existing_one_keeps_its_own(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(old)) as conn:
        conn.execute("CREATE TABLE t (a)")  # 4 KiB pages, written before XSight opened it
    for path, size in ((tmp_path / "new.sqlite3", db_setup.SQLITE_PAGE_SIZE), (old, 4096)):
        engine = create_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS u (a)"))
            assert conn.execute(text("PRAGMA page_size")).scalar_one() == size
            assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        engine.dispose()
