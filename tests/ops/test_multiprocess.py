"""With PROMETHEUS_MULTIPROC_DIR, /metrics in one process adds up what every worker process counted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from xsight.config import project_root

WORKER = """
import sys
from xsight import create_app
client = create_app().test_client()
for _ in range(int(sys.argv[1])):
    assert client.get("/healthz").status_code == 200
if sys.argv[2] == "scrape":
    sys.stdout.write(client.get("/metrics").get_data(as_text=True))
"""


def run_worker(env: dict[str, str], requests: int, scrape: bool = False) -> str:
    done = subprocess.run([sys.executable, "-c", WORKER, str(requests), "scrape" if scrape else "-"],
                          env=env, cwd=project_root(), capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_metrics_are_merged_across_processes(tmp_path: Path) -> None:
    folder = tmp_path / "prom"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(PROMETHEUS_MULTIPROC_DIR=str(folder), XSIGHT_ENV="development",
               INSTANCE_PATH=str(tmp_path / "instance"))
    run_worker(env, 3)
    run_worker(env, 4)
    text = run_worker(env, 0, scrape=True)
    healthz = [s for family in text_string_to_metric_families(text) for s in family.samples
               if s.name == "xsight_http_requests_total" and s.labels.get("route") == "/healthz"]
    assert [s.value for s in healthz] == [7.0]
    assert len(list(folder.glob("*.db"))) >= 3  # one file per process
