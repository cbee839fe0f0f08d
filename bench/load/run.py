"""Mixed load on the production layout: merchants browsing while webhooks arrive and a backfill runs.

Usage (PostgreSQL + Redis required; loopback only; stops by itself):
  DATABASE_URL=postgresql://… REDIS_URL=redis://… python -m bench.load.run [--orders 200000]
      [--seconds 45] [--merchants 50] [--webhook-rate 200] [--think-ms 1000-5000]
      [--during saving] [--store-db FILE --shop DOMAIN]
`--store-db` serves an already generated store file (e.g. the 1M-order one `make demo` wrote) instead
of generating a new shop, which takes longer than the run itself at 1M orders.
Starts the simulated store (N orders), 2 gunicorn web processes and 2 Huey consumers, installs the
app (which starts the backfill), waits until the backfill is in the `--during` step (default: saving
the exported rows), then runs, at the same time: the merchants, split between the four pages
(dashboard, customers, segments, analytics; one wrk per page, one connection per merchant), each
opening a page (the API requests that page makes, one after another), reading it for a random think
time, and opening the next (decision 076); and a paced wrk posting signed, unique orders/create
webhooks. Prints p50/p95/p99 and errors per page, then counts the recorded and applied deliveries
(lost = acknowledged - recorded). `--think-ms 200` is the earlier capacity setting (a page every
~0.2 s per merchant).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from tests.integration.test_realtime_redis import free_port
from xsight.config import new_encryption_key, project_root

KEY, SECRET = "load-key", "load-secret-" + "y" * 40
RANGES = ["start=2026-10-27&end=2026-11-25", "start=2026-08-28&end=2026-11-25",
          "start=2025-11-26&end=2026-11-25", "start=2024-11-26&end=2026-11-25"]
# Each page: the page views a merchant opens there, each the API requests the page makes.
PAGES = {
    "dashboard": [[f"/api/v1/dashboard?{r}&top=5", "/api/v1/shop"] for r in RANGES],
    "customers": [[f"/api/v1/customers?limit=50&sort={s}"] for s in
                  ("amount_spent", "last_order_date", "name&direction=asc", "p_alive")]
                 + [["/api/v1/customers?limit=50&q=smith"],
                    ["/api/v1/customers?limit=50&rfm_group=CHAMPIONS"]],
    "segments": [["/api/v1/segments", "/api/v1/segments/templates"]],
    "analytics": [["/api/v1/analytics/rfm", "/api/v1/analytics/cohorts?months=12",
                   "/api/v1/analytics/predictions", "/api/v1/analytics/model-quality"]],
}
# wrk's --latency table has no 95th percentile: print the ones we report from wrk's own histogram.
DONE_LUA = """
function done(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("p%d_ms %.2f\\n", p, latency:percentile(p) / 1000))
  end
end
"""
# One wrk thread per merchant (its own Lua state): open a page view, request its paths in turn,
# then think for a random time before the next view.
GET_LUA = """
local views = %s
local auth = "Bearer %s"
local view, step = nil, 0
local merchants = 0
function setup(thread) merchants = merchants + 1; thread:set("merchant", merchants) end
function init(args) math.randomseed(merchant * 7919 + os.time()) end
function request()
  if view == nil or step >= #view then view = views[math.random(#views)]; step = 0 end
  step = step + 1
  return wrk.format("GET", view[step], {Authorization = auth})
end
function delay()
  if view ~= nil and step >= #view then return math.random(%d, %d) end
  return 0
end
""" + DONE_LUA.replace("%", "%%")
POST_LUA = """
local requests, n, i = {}, 0, 0
function init(args)
  for line in io.lines("%s") do
    local sep = line:find("\\t")
    local hdrs = {}
    for k, v in line:sub(1, sep - 1):gmatch("([^=;]+)=([^;]*)") do hdrs[k] = v end
    n = n + 1
    requests[n] = wrk.format("POST", "/webhooks", hdrs, line:sub(sep + 1))
  end
end
function request() i = i + 1; return requests[((i - 1) %% n) + 1] end
function delay() return %d end
""" + DONE_LUA.replace("%", "%%")


def start(name: str, command: list[str], env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    log = (folder / f"{name}.log").open("w")
    return subprocess.Popen(command, cwd=project_root(), env=env, stdout=log, stderr=subprocess.STDOUT)


def wrk(url: str, script: Path, connections: int, seconds: int, threads: int = 1) -> subprocess.Popen[str]:
    return subprocess.Popen(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
                             str(script), url], stdout=subprocess.PIPE, text=True)


def fresh_database(url: str) -> str:
    """Recreate `<database>_load` on the same server (every run starts from an empty app)."""
    base, _, name = url.rpartition("/")
    load = f"{name.split('?')[0]}_load"
    for sql in (f"DROP DATABASE IF EXISTS {load} WITH (FORCE)", f"CREATE DATABASE {load}"):
        subprocess.run(["psql", url, "-qc", sql], check=True, capture_output=True)
    return f"{base}/{load}"


def lua_table(views: list[list[str]]) -> str:
    """Render page views (lists of paths) as a Lua table literal."""
    return "{" + ", ".join("{" + ", ".join(json.dumps(p) for p in view) + "}" for view in views) + "}"


def wait_for_step(app: str, store_url: str, prefix: str, minutes: float) -> None:
    """Wait until the shop's backfill reaches a step starting with `prefix` (or has finished)."""
    deadline, step = time.monotonic() + minutes * 60, ""
    while time.monotonic() < deadline:
        token = httpx.get(store_url + "/_devstore/id_token").json()["id_token"]
        runs = httpx.get(app + "/api/v1/sync/runs", headers={"Authorization": f"Bearer {token}"},
                         timeout=30).json()["runs"]
        step = (runs[0].get("step") or "") if runs else ""
        if step.startswith(prefix) or (runs and runs[0]["status"] in ("succeeded", "failed")):
            print(f"backfill step: {step or runs[0]['status']}; starting the load", flush=True)
            return
        time.sleep(2)
    print(f"backfill still at {step!r} after {minutes} min; starting the load anyway", flush=True)


def summary(text: str) -> dict[str, str]:
    found = {f"p{q}": f"{float(m.group(1)):.1f} ms" for q in (50, 95, 99)
             if (m := re.search(rf"^p{q}_ms (\S+)", text, re.MULTILINE))}
    found["requests"] = (re.search(r"(\d+) requests in", text) or [None, "?"])[1]  # type: ignore[index]
    found["errors"] = (re.search(r"Non-2xx or 3xx responses: (\d+)", text) or [None, "0"])[1]  # type: ignore[index]
    socket = re.search(r"Socket errors: (.*)", text)
    found["socket_errors"] = socket.group(1) if socket else "none"
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--seconds", type=int, default=45)
    parser.add_argument("--merchants", type=int, default=50)
    parser.add_argument("--webhook-rate", type=int, default=200)
    parser.add_argument("--think-ms", default="1000-5000", help="a merchant's pause between pages")
    parser.add_argument("--during", default="saving", help="start once the backfill step begins so")
    parser.add_argument("--wait-minutes", type=float, default=20)
    parser.add_argument("--store-db", default="", help="serve this generated store file")
    parser.add_argument("--shop", default="load-shop.myshopify.com", help="the shop in --store-db")
    args = parser.parse_args()
    assert os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")
    folder = Path(tempfile.mkdtemp(prefix="load-"))
    database = fresh_database(os.environ["DATABASE_URL"])
    store_port, ports = free_port(), [free_port(), free_port()]
    store_url, shop = f"http://127.0.0.1:{store_port}", args.shop
    env = {**os.environ, "DATABASE_URL": database, "XSIGHT_ENV": "development",
           "SHOPIFY_API_KEY": KEY, "SHOPIFY_API_SECRET": SECRET,
           "ENCRYPTION_KEY": new_encryption_key(), "SECRET_KEY": "k" * 64, "HOST": "127.0.0.1",
           "SHOPIFY_STORE_URL_OVERRIDE": store_url, "RATE_LIMIT_PER_SECOND": "100000",
           "RATE_LIMIT_BURST": "100000"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=project_root(),
                   env={**env, "INSTANCE_PATH": str(folder / "release")}, check=True, capture_output=True)
    t0 = time.monotonic()
    store_db = args.store_db or str(folder / "store.db")
    store = [sys.executable, "-m", "xsight.devstore", "serve", "--db", store_db]
    procs = [start("store", [*store, "--shop", shop, "--orders", str(args.orders), "--port", str(store_port),
                             "--api-key", KEY, "--api-secret", SECRET,
                             "--app-url", f"http://127.0.0.1:{ports[0]}"], env, folder)]
    web = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
    consumer = [sys.executable, "-m", "xsight.worker", "-k", "greenlet", "-w", "8"]
    for i, port in enumerate(ports):
        procs.append(start(f"web{i}", web, {**env, "PORT": str(port), "INSTANCE_PATH": str(folder / f"w{i}")},
                           folder))
        procs.append(start(f"worker{i}", consumer, {**env, "INSTANCE_PATH": str(folder / f"c{i}")}, folder))
    try:
        for url in (store_url, *(f"http://127.0.0.1:{p}" for p in ports)):
            while True:
                try:
                    httpx.get(url + ("/_devstore/id_token" if url == store_url else "/healthz"), timeout=2)
                    break
                except httpx.TransportError:
                    time.sleep(0.5)
        print(f"store with ~{args.orders} orders and app up in {time.monotonic() - t0:.0f} s")
        token = httpx.get(store_url + "/_devstore/id_token").json()["id_token"]
        app = f"http://127.0.0.1:{ports[0]}"
        opened = httpx.get(app + "/", params={"shop": shop, "host": "YWRtaW4", "embedded": "1",
                                              "id_token": token}, timeout=60)
        assert opened.status_code == 200, opened.text[:300]
        auth = {"Authorization": f"Bearer {token}"}
        httpx.post(app + "/api/v1/segments", json={"name": "Champions", "template": "champions"},
                   headers=auth, timeout=30)
        sent = args.webhook_rate * args.seconds
        with (folder / "webhooks.tsv").open("w") as out:
            for n in range(sent):
                at = "2026-11-20T10:00:00Z"
                body = json.dumps({"id": 9_000_000 + n, "name": f"#L{n}", "created_at": at,
                                   "processed_at": at, "updated_at": at,
                                   "currency": "USD", "total_price": "10.00", "subtotal_price": "10.00",
                                   "total_tax": "0.00", "total_discounts": "0.00", "line_items": [],
                                   "refunds": []})
                digest = base64.b64encode(hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).digest())
                head = {"Content-Type": "application/json", "X-Shopify-Topic": "orders/create",
                        "X-Shopify-Hmac-Sha256": digest.decode(), "X-Shopify-Shop-Domain": shop,
                        "X-Shopify-Webhook-Id": f"load-{uuid.uuid4()}", "X-Shopify-API-Version": "2026-04"}
                out.write(";".join(f"{k}={v}" for k, v in head.items()) + "\t" + body + "\n")
        hooks_conns = 8
        (folder / "post.lua").write_text(POST_LUA % (folder / "webhooks.tsv",
                                                     max(0, 1000 * hooks_conns // args.webhook_rate - 2)))
        runs = {}
        wait_for_step(app, store_url, args.during, args.wait_minutes)
        token = httpx.get(store_url + "/_devstore/id_token").json()["id_token"]  # fresh for the run
        think = [int(x) for x in args.think_ms.split("-")] * 2
        for i, (name, views) in enumerate(PAGES.items()):
            merchants = args.merchants // len(PAGES) + (i < args.merchants % len(PAGES))
            script = folder / f"{name}.lua"
            script.write_text(GET_LUA % (lua_table(views), token, think[0], think[1]))
            url = f"http://127.0.0.1:{ports[i % 2]}"
            runs[name] = wrk(url, script, merchants, args.seconds, threads=merchants)
        runs["webhooks"] = wrk(app, folder / "post.lua", hooks_conns, args.seconds)
        results = {name: summary(proc.communicate()[0]) for name, proc in runs.items()}
        time.sleep(10)  # let the consumers drain
        recorded, applied = subprocess.run(
            ["psql", database, "-tAF", " ", "-c",
             "SELECT count(DISTINCT webhook_id), count(*) FILTER (WHERE status = 'processed') "
             "FROM webhook_deliveries WHERE webhook_id LIKE 'load-%'"],
            capture_output=True, text=True).stdout.split()
        hooks = results["webhooks"]
        acknowledged = min(sent, int(hooks["requests"]) - int(hooks["errors"]))
        sync = httpx.get(app + "/api/v1/sync/runs", headers={"Authorization": "Bearer " + httpx.get(
            store_url + "/_devstore/id_token").json()["id_token"]}).json()["runs"][:1]
        print("| route | requests | p50 | p95 | p99 | non-2xx | socket errors |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for name, r in results.items():
            print(f"| {name} | {r['requests']} | {r.get('p50')} | {r.get('p95')} | {r.get('p99')} | "
                  f"{r['errors']} | {r['socket_errors']} |")
        print(f"webhooks offered {args.webhook_rate}/s: {hooks['requests']} answered, {acknowledged} "
              f"acknowledged with distinct ids, {recorded} recorded (timed-out ones may be too), "
              f"lost {max(0, acknowledged - int(recorded))}, "
              f"{applied} applied by the workers 10 s after the run; backfill: {sync}")
        print(f"load average {os.getloadavg()[0]:.1f}")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
