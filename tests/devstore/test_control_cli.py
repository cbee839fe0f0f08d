"""Fault knobs, the control API and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from xsight.devstore import StoreHandle
from xsight.devstore.__main__ import main

from .conftest import SHOP, Admin


def test_5xx_and_latency_faults(store: StoreHandle, admin: Admin) -> None:
    try:
        store.set_faults(error_rate=1.0)
        statuses = {admin.post("{ shop { id } }").status_code for _ in range(12)}
        assert statuses <= {502, 503, 504} and len(statuses) >= 2
        store.set_faults(error_rate=0.0, latency_ms=150)
        start = time.monotonic()
        assert admin.post("{ shop { id } }").status_code == 200
        assert time.monotonic() - start >= 0.15
    finally:
        store.set_faults(error_rate=0.0, latency_ms=0.0)


def test_fault_api_validates_knobs(store: StoreHandle) -> None:
    control = httpx.Client(base_url=store.base_url)
    assert control.post("/_devstore/faults", json={"throttle_presure": 0.3}).status_code == 400
    assert control.post("/_devstore/faults", json={"error_rate": 2}).status_code == 400
    knobs = control.post("/_devstore/faults", json={"webhook_duplicate": 0.25}).json()
    assert knobs["webhook_duplicate"] == 0.25
    assert control.post("/_devstore/faults", json={"webhook_duplicate": 0}).json()["webhook_duplicate"] == 0


def test_truth_and_params_match_the_api(store: StoreHandle, admin: Admin) -> None:
    control = httpx.Client(base_url=store.base_url)
    truth = control.get("/_devstore/truth", params={"shop": SHOP}).json()
    params = control.get("/_devstore/params").json()
    assert truth["customers"] == params["generated"]["customers"] == 120
    assert truth["orders"]["count"] == params["generated"]["orders"]
    assert set(params["model"]) >= {"r", "alpha", "a", "b", "p", "q", "gamma"}
    ids = admin("{ products(first: 250) { nodes { id } } }")["data"]["products"]["nodes"]
    assert len(ids) == truth["products"] == 50


def test_activity_step_and_second_shop(live_store: StoreHandle) -> None:
    control = httpx.Client(base_url=live_store.base_url, timeout=30)
    start = control.get("/_devstore/truth").json()
    control.post("/_devstore/activity/step", json={"action": "order_new_customer", "count": 2})
    control.post("/_devstore/activity/step", json={"action": "product_create", "count": 2})
    truth = control.get("/_devstore/truth").json()  # new ids never overwrite generated records
    assert truth["customers"] == start["customers"] + 2 and truth["products"] == start["products"] + 2
    before = control.get("/_devstore/truth").json()["orders"]["count"]
    done = control.post("/_devstore/activity/step", json={"action": "order", "count": 3}).json()["actions"]
    assert done == ["order"] * 3
    assert control.get("/_devstore/truth").json()["orders"]["count"] == before + 3
    assert control.post("/_devstore/activity/step", json={"action": "nope"}).status_code == 400
    created = control.post(
        "/_devstore/shops", json={"domain": "second.myshopify.com", "seed": 9, "customers": 10, "orders": 20}
    ).json()
    assert created["generated"]["customers"] == 10
    other = Admin(live_store, live_store.access_token("second.myshopify.com"), shop="second.myshopify.com")
    assert other("{ shop { myshopifyDomain } }")["data"]["shop"]["myshopifyDomain"] == "second.myshopify.com"
    control.post("/_devstore/activity", json={"rate": 20})
    time.sleep(0.5)
    counts = control.post("/_devstore/activity", json={"rate": 0}).json()["counts"]
    assert sum(counts.values()) > 3


def test_cli_generate_is_deterministic(tmp_path: Path, capsys: object) -> None:
    args = ["generate", "--seed", "3", "--customers", "15", "--orders", "30", "--products", "8"]
    assert main([*args, "--db", str(tmp_path / "a.sqlite")]) == 0
    assert main([*args, "--db", str(tmp_path / "b.sqlite")]) == 0
    out = capsys.readouterr().out.splitlines()  # type: ignore[attr-defined]
    first, second = json.loads(out[0]), json.loads(out[1])
    assert first.pop("db") != second.pop("db") and first == second and first["customers"] == 15
    assert main([*args, "--db", str(tmp_path / "a.sqlite")]) == 2  # the shop is already there


def test_cli_serve_answers_http(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "xsight.devstore",
            "serve",
            "--port",
            "0",
            "--db",
            str(tmp_path / "s.sqlite"),
            "--customers",
            "10",
            "--orders",
            "20",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        started = json.loads(proc.stdout.readline())
        assert started["shops"] == [SHOP]
        assert httpx.get(started["listening"] + "/_devstore/health").json() == {"ok": True}
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stdout is not None:
            proc.stdout.close()


def test_request_threads_do_not_leak_connections(store: StoreHandle, admin: Admin) -> None:
    before = len(store.services.storage._all)
    for _ in range(20):
        admin("{ shop { id } }")
    assert len(store.services.storage._all) <= before + 1
