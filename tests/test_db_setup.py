"""Pooled PostgreSQL connections: pinged only after sitting idle, and a dead one is replaced."""

from __future__ import annotations

import psycopg
import pytest
from flask import Flask
from sqlalchemy import text

from tests.conftest import POSTGRES
from xsight import db_setup
from xsight.extensions import db

pytestmark = pytest.mark.skipif(not POSTGRES, reason="pool pings concern PostgreSQL")


def _backend_pid() -> int:
    pid: int = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    db.session.commit()
    db.session.remove()
    return pid


def test_a_connection_killed_while_idle_is_replaced(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    with app.app_context():
        pid = _backend_pid()
        with psycopg.connect(db.engine.url.set(drivername="postgresql").render_as_string(
                hide_password=False), autocommit=True) as other:  # the server closes the pooled one
            other.execute("SELECT pg_terminate_backend(%s)", (pid,))
        monkeypatch.setattr(db_setup, "PING_AFTER_IDLE_S", 0.0)  # it has now been idle "long enough"
        assert _backend_pid() != pid  # the ping failed, the pool opened a new connection


def test_a_connection_used_a_moment_ago_is_not_pinged(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    pings: list[object] = []
    with app.app_context():
        pid = _backend_pid()
        monkeypatch.setattr(db.engine.dialect, "do_ping", lambda conn: pings.append(conn) or True)
        assert _backend_pid() == pid and pings == []
        monkeypatch.setattr(db_setup, "PING_AFTER_IDLE_S", 0.0)
        assert _backend_pid() == pid and len(pings) == 1
