"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from xsight.extensions import db
from xsight.ops import backlog
from xsight.tasks.queue import queue_reachable

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Answer 200 while the process is up."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """Answer 200 when the database and queue answer, else 503 with the reasons; report the backlog."""
    problems: list[str] = []
    database_up = True
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database means "not ready"
        db.session.rollback()
        database_up = False
        problems.append(f"database unreachable: {type(exc).__name__}")
    queue_problem = queue_reachable()
    if queue_problem:
        problems.append(queue_problem)
    lag = backlog.measure(database=database_up).as_dict()
    if problems:
        body = {"error": "not_ready", "message": "; ".join(problems), "checks": problems, "backlog": lag}
        return jsonify(body), 503
    return jsonify({"status": "ready", "database": db.engine.dialect.name, "backlog": lag})
