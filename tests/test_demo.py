"""`make demo` waits for a store that is still generating its shop, and gives up only when it stalls."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from xsight import demo

NOBODY = "http://127.0.0.1:9/health"  # the discard port: nothing answers HTTP there


def _sleeper() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])


def test_a_store_that_stops_writing_is_reported_as_stalled(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "store.sqlite3").write_bytes(b"x" * 10)
    monkeypatch.setattr(demo, "STALLED_AFTER_S", 1.5)
    proc = _sleeper()
    try:
        with pytest.raises(SystemExit, match="stopped growing"):
            demo.wait_for_store(NOBODY, proc, tmp_path / "store.sqlite3")
    finally:
        proc.kill()
        proc.wait()


def test_a_store_that_exits_is_reported_at_once(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    proc.wait()
    with pytest.raises(SystemExit, match="exit code 3"):
        demo.wait_for_store(NOBODY, proc, tmp_path / "store.sqlite3")
