"""Sync runs: list, show, start."""

from __future__ import annotations

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue

from xsight.blueprints.api import bp
from xsight.errors import BadRequest
from xsight.services import sync_runs
from xsight.tasks import sync as sync_tasks

MAX_RUNS = 100
STARTABLE = ("incremental", "full")


@bp.get("/sync/runs")
def list_runs() -> ResponseReturnValue:
    """Return the shop's latest sync runs, newest first."""
    try:
        limit = int(request.args.get("limit", 20))
    except ValueError:
        raise BadRequest("limit must be a whole number.") from None
    if not 1 <= limit <= MAX_RUNS:
        raise BadRequest(f"limit must be between 1 and {MAX_RUNS}.")
    return jsonify({"runs": [sync_runs.describe(r) for r in sync_runs.recent(g.shop.id, limit)]})


@bp.get("/sync/runs/<int:run_id>")
def get_run(run_id: int) -> ResponseReturnValue:
    """Return one sync run of the shop."""
    return jsonify({"run": sync_runs.describe(sync_runs.get(g.shop.id, run_id))})


@bp.post("/sync")
def start_sync() -> ResponseReturnValue:
    """Start an incremental or full sync (409 while one is running)."""
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object like {\"kind\": \"incremental\"}.")
    kind = body.get("kind", "incremental")
    if kind not in STARTABLE:
        raise BadRequest(f"kind must be one of {', '.join(STARTABLE)}, got {kind!r}.")
    if kind == "full" or not (g.shop.settings or {}).get("backfilled_at"):
        kind = "backfill" if not (g.shop.settings or {}).get("backfilled_at") else "full"
    run = sync_tasks.start(g.shop.id, kind)
    return jsonify({"run": sync_runs.describe(run)}), 202
