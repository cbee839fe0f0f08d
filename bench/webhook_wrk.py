"""Webhook intake under wrk (a C load generator), so the client does not eat the server's CPU.

Usage: python -m bench.webhook_wrk [--deliveries 20000] [--workers 2] [--seconds 10] [--rate 1000]
Pre-signs N deliveries with unique webhook ids into a wrk Lua script, serves the app with gunicorn
(gevent workers) on loopback, runs wrk with 16 connections and prints throughput and latency.
`--rate R` paces each connection (a think time after every answer) so the offered load is about R
deliveries/s: latency is then measured at that load, not at saturation; 0 sends as fast as possible.
Also prints the CPU the server side spent per answered delivery (gunicorn's processes, and the local
PostgreSQL and Redis serving DATABASE_URL / REDIS_URL), which a busy machine does not distort much,
and wrk's own. The process trees are listed before and after the run: a backend that a pool opened
during the run and kept is counted (ones that exited are counted through their parent).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench import proc_cpu
from bench.webhook_bench import SETUP, body, headers

LUA = """
local requests = {}
local n = 0
function init(args)
  for line in io.lines("%s") do
    local item = {}
    local sep = line:find("\\t")
    local head, payload = line:sub(1, sep - 1), line:sub(sep + 1)
    local hdrs = {}
    for key, value in head:gmatch("([^=;]+)=([^;]*)") do hdrs[key] = value end
    n = n + 1
    requests[n] = wrk.format("POST", "/webhooks", hdrs, payload)
  end
  counter = 0
end
function request()
  counter = counter + 1
  return requests[(counter %% n) + 1]
end
function delay()
  return %d
end
"""


def main() -> None:
    """Run the benchmark and print wrk's summary and a Markdown row."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rate", type=int, default=0)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    think_ms = max(0, round(1000 * args.connections / args.rate) - 1) if args.rate else 0
    from bench.webhook_bench import SECRET

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with (folder / "requests.tsv").open("w") as out:
            for n in range(args.deliveries):
                raw = body(n)
                head = ";".join(f"{k}={v}" for k, v in headers(raw).items())
                out.write(f"{head}\t{raw.decode()}\n")
        (folder / "load.lua").write_text(LUA % (folder / "requests.tsv", think_ms))
        env = {**os.environ, "XSIGHT_ENV": "development", "INSTANCE_PATH": tmp,
               "SHOPIFY_API_KEY": "bench", "SHOPIFY_API_SECRET": SECRET,
               "DATABASE_URL": args.database_url}
        subprocess.run([sys.executable, "-c", SETUP], env=env, check=True)
        port = 19000 + os.getpid() % 1000
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-k", "gevent", "-w",
                                   str(args.workers), "-b", f"127.0.0.1:{port}", "--log-level",
                                   "warning", "wsgi:app"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            def sides() -> dict[str, list[int]]:  # listed again at the end: pools open backends
                return {"web": proc_cpu.tree(server.pid),
                        "postgres": proc_cpu.server_pids(args.database_url, "postgres"),
                        "redis": proc_cpu.server_pids(os.environ.get("REDIS_URL", ""), "redis-server")}

            before = {name: proc_cpu.cpu_seconds(pids) for name, pids in sides().items()}
            loadgen = resource.getrusage(resource.RUSAGE_CHILDREN)
            out = subprocess.run(["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--latency",
                                  "-s", str(folder / "load.lua"), f"http://127.0.0.1:{port}"],
                                 capture_output=True, text=True, check=True).stdout
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = {name: proc_cpu.cpu_seconds(pids) - before[name] for name, pids in sides().items()
                    if pids}
            wrk_cpu = after.ru_utime + after.ru_stime - loadgen.ru_utime - loadgen.ru_stime
        finally:
            server.terminate()
            server.wait(10)
    print(out)
    answered = int((re.search(r"(\d+) requests in", out) or [0, 0])[1])
    per = {name: round(1e6 * cpu / max(answered, 1)) for name, cpu in used.items()}
    print(f"server CPU per answered delivery (µs): {per}, total {sum(per.values())}; "
          f"wrk {round(1e6 * wrk_cpu / max(answered, 1))} µs")
    print(json.dumps({"workers": args.workers, "deliveries_presigned": args.deliveries,
                      "offered_rate": args.rate or "max", "think_ms": think_ms,
                      "connections": args.connections}))


if __name__ == "__main__":
    main()
