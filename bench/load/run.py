"""Mixed load on the production layout: merchants browsing while webhooks arrive and a backfill runs.

Usage (PostgreSQL + Redis required; loopback only; stops by itself):
  DATABASE_URL=postgresql://… REDIS_URL=redis://… python -m bench.load.run [--orders 200000]
      [--seconds 45] [--merchants 50] [--webhook-rate 200] [--store-db FILE --shop DOMAIN]
`--store-db` serves an already generated store file (e.g. the 1M-order one `make demo` wrote) instead
of generating a new shop, which takes longer than the run itself at 1M orders.
Starts the simulated store (N orders), 2 gunicorn web processes and 2 Huey consumers, installs the
app (which starts the backfill), then runs, at the same time: one wrk per page route (the merchants'
connections split between dashboard, customers, segments and analytics, with a short think time) and
a paced wrk posting signed, unique orders/create webhooks. Prints p50/p95/p99 and errors per route,
then counts the recorded and applied deliveries (lost = acknowledged - recorded).
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
ROUTES = {"dashboard": "/api/v1/dashboard?start=2026-01-01&end=2026-11-25",
          "customers": "/api/v1/customers?limit=50&sort=amount_spent",
          "segments": "/api/v1/segments", "analytics": "/api/v1/analytics/rfm"}
# wrk's --latency table has no 95th percentile: print the ones we report from wrk's own histogram.
DONE_LUA = """
function done(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("p%d_ms %.2f\\n", p, latency:percentile(p) / 1000))
  end
end
"""
GET_LUA = ('wrk.headers["Authorization"] = "Bearer %s"\nfunction delay() return %d end\n'
           + DONE_LUA.replace("%", "%%"))
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


def wrk(url: str, script: Path, connections: int, seconds: int) -> subprocess.Popen[str]:
    return subprocess.Popen(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
                             str(script), url], stdout=subprocess.PIPE, text=True)


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
    parser.add_argument("--store-db", default="", help="serve this generated store file")
    parser.add_argument("--shop", default="load-shop.myshopify.com", help="the shop in --store-db")
    args = parser.parse_args()
    assert os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")
    folder = Path(tempfile.mkdtemp(prefix="load-"))
    store_port, ports = free_port(), [free_port(), free_port()]
    store_url, shop = f"http://127.0.0.1:{store_port}", args.shop
    env = {**os.environ, "XSIGHT_ENV": "development", "SHOPIFY_API_KEY": KEY, "SHOPIFY_API_SECRET": SECRET,
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
        token = httpx.get(store_url + "/_devstore/id_token").json()["id_token"]  # fresh for the run
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
        per_route = max(1, args.merchants // len(ROUTES))
        for name, path in ROUTES.items():
            script = folder / f"{name}.lua"
            script.write_text(GET_LUA % (token, 200))  # a merchant reads a page every ~0.2 s
            url = f"http://127.0.0.1:{ports[len(runs) % 2]}{path}"
            runs[name] = wrk(url, script, per_route, args.seconds)
        runs["webhooks"] = wrk(app, folder / "post.lua", hooks_conns, args.seconds)
        results = {name: summary(proc.communicate()[0]) for name, proc in runs.items()}
        time.sleep(10)  # let the consumers drain
        recorded, applied = subprocess.run(
            ["psql", os.environ["DATABASE_URL"], "-tAF", " ", "-c",
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
