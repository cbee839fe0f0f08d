"""A short fault soak on the production layout: the same run and checks as `python -m bench.soak.run`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from flask import Flask

from bench.soak.run import Options, run_soak

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL", "").startswith("postgres")),
    reason="needs PostgreSQL and Redis (runs in the PostgreSQL + Redis pass)")]


def test_short_fault_soak_ends_with_equal_data(app: Flask, tmp_path: Path) -> None:
    """Kill consumers, restart Redis, throttle, fail and reorder; the app must still equal the store."""
    summary = run_soak(Options(
        minutes=0.5, database_url=app.config["SQLALCHEMY_DATABASE_URI"], redis_url=os.environ["REDIS_URL"],
        folder=tmp_path / "soak", activity_rate=2.0, kill_every_s=10.0, delete_every_s=5.0,
        stalled_after_s=5, retry_delay_s=2, drain_timeout_s=180.0, tick_s=5.0, prepare_database=False,
        size=(40, 120, 8)))
    problems = {k: summary.get(k) for k in ("error", "deliveries", "backlog", "quiesce")}
    problems["mismatches"] = {shop: data["mismatches"] for shop, data in (summary.get("shops") or {}).items()}
    assert summary["ok"], json.dumps(problems, default=str)  # a string: pytest prints it whole
    assert len(summary["kills"]) >= 2 and summary["chaos"]["redis_restart"] is not None
    assert summary["deliveries"]["distinct_delivered"] > 50
    assert sum(summary["chaos"]["deleted"].values()) > 0
