"""Start-up objects are moved out of the garbage collector's way in every long-lived process."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from xsight.ops.heap import freeze_startup_heap


def test_freeze_moves_live_objects_to_the_permanent_generation() -> None:
    before = gc.get_freeze_count()
    try:
        assert freeze_startup_heap() > before
        assert gc.get_count()[2] == 0
    finally:
        gc.unfreeze()


def test_the_web_entry_point_freezes_after_creating_the_app(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}"}
    env.pop("REDIS_URL", None)
    code = "import gc, wsgi; print(gc.get_freeze_count())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.strip().splitlines()[-1]) > 10_000
