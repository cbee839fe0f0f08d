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


@pytest.mark.parametrize(("orders", "plan", "expected"), [
    ("250", None, "Basic"), ("99999", None, "Basic"), ("100000", None, "Shopify Plus"),
    ("1000000", None, "Shopify Plus"), ("1000000", "Basic", "Basic"), ("250", "Advanced", "Advanced")])
def test_the_demo_shop_is_on_plus_from_100k_orders_unless_demo_plan_says_otherwise(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, orders: str, plan: str | None,
        expected: str) -> None:
    monkeypatch.setenv("DEMO_ORDERS", orders)
    if plan:
        monkeypatch.setenv("DEMO_PLAN", plan)
    else:
        monkeypatch.delenv("DEMO_PLAN", raising=False)
    assert demo.demo_plan() == expected
    name = demo.store_db_path(tmp_path).name
    # One store file per size and plan: a Basic and a Plus shop of one size never share a database.
    assert name.startswith(f"devstore-{orders}-") and ("shopify-plus" in name) == (expected == "Shopify Plus")


@pytest.mark.parametrize(("orders", "plan"), [("lots", None), ("250", "Gold")])
def test_bad_demo_settings_stop_with_a_clear_message(monkeypatch: pytest.MonkeyPatch, orders: str,
                                                     plan: str | None) -> None:
    monkeypatch.setenv("DEMO_ORDERS", orders)
    if plan:
        monkeypatch.setenv("DEMO_PLAN", plan)
    else:
        monkeypatch.delenv("DEMO_PLAN", raising=False)
    with pytest.raises(SystemExit, match=r"DEMO_ORDERS must be a whole number|DEMO_PLAN must be one of"):
        demo.demo_plan()
