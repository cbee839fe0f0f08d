"""`make demo`: a simulated Shopify store, the app and a worker, installed and syncing live."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import httpx
from flask_migrate import upgrade

from xsight.config import load_settings, project_root
from xsight.devstore.generator import PLANS

DEFAULT_APP_PORT = 5000
DEFAULT_STORE_PORT = 8787
DEMO_SHOP = "xsight-demo.myshopify.com"
# Store changes (orders, refunds, customer edits) per second, sent to the app as webhooks.
ACTIVITY_PER_SECOND = float(os.environ.get("DEMO_ACTIVITY_RATE", "0.5"))
# Generating a big shop (1M orders: ~1.5 GB, tens of minutes on a busy 2-core machine) has no fixed
# deadline: the wait lasts while the store process lives and its database keeps growing.
STALLED_AFTER_S = 300
PROGRESS_EVERY_S = 30
# A shop with this many orders is simulated on Shopify Plus (1,000 query points/s) unless DEMO_PLAN says
# otherwise: a business that size is on Plus, and the plan sets the API rate the sync is paced at.
PLUS_FROM_ORDERS = 100_000


def demo_orders() -> str:
    """Return DEMO_ORDERS (default 250)."""
    return os.environ.get("DEMO_ORDERS", "250")


def demo_plan() -> str:
    """Return the simulated shop's Shopify plan: DEMO_PLAN, else Plus from PLUS_FROM_ORDERS orders."""
    plan = os.environ.get("DEMO_PLAN")
    if plan:
        if plan not in PLANS:
            raise SystemExit(f"DEMO_PLAN must be one of {', '.join(sorted(PLANS))} (got {plan!r}).")
        return plan
    try:
        big = int(demo_orders()) >= PLUS_FROM_ORDERS
    except ValueError:
        raise SystemExit(f"DEMO_ORDERS must be a whole number (got {demo_orders()!r}).") from None
    return "Shopify Plus" if big else "Basic"


def free_port(preferred: int) -> int:
    """Return `preferred` if it is free on loopback, else any free port."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Poll `url` until it answers 200, failing early if `proc` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"{url} did not start (exit code {proc.returncode}).")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s.")


def wait_for_store(url: str, proc: subprocess.Popen[bytes], db_path: Path) -> None:
    """Wait for the store while it generates its shop, printing progress; fail if it dies or stalls."""
    started = last_growth = last_note = time.monotonic()
    size = -1
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"The store did not start (exit code {proc.returncode}); see devstore.log.")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        now = time.monotonic()
        current = sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*"))
        if current != size:
            size, last_growth = current, now
        if now - last_growth > STALLED_AFTER_S:
            raise SystemExit(f"The store's database stopped growing for {STALLED_AFTER_S} s "
                             f"({size / 1e6:.0f} MB); see devstore.log.")
        if now - last_note >= PROGRESS_EVERY_S:
            last_note = now
            print(f"Generating the store: {size / 1e6:.0f} MB written in {now - started:.0f} s ...",
                  flush=True)
        time.sleep(1)


def store_db_path(instance: Path) -> Path:
    """Return the store's database file (one per size, plan and day: the history ends today)."""
    plan = demo_plan()
    suffix = "" if plan == "Basic" else "-" + plan.lower().replace(" ", "-")
    return instance / f"devstore-{demo_orders()}{suffix}-{date.today():%Y%m%d}.sqlite3"


def start_store(settings_env: dict[str, str], port: int, app_url: str,
                instance: Path) -> subprocess.Popen[bytes]:
    """Start the simulated store in its own process (it generates the shop on first start)."""
    # History ends today so the dashboard's recent ranges have data; one store file per day.
    db_path = store_db_path(instance)
    command = [sys.executable, "-m", "xsight.devstore", "serve", "--db", str(db_path),
               "--port", str(port), "--orders", demo_orders(), "--plan", demo_plan(), "--shop", DEMO_SHOP,
               "--end-date", "today",
               "--api-key", settings_env["SHOPIFY_API_KEY"],
               "--api-secret", settings_env["SHOPIFY_API_SECRET"],
               "--app-url", app_url, "--activity-rate", str(ACTIVITY_PER_SECOND)]
    log = (instance / "devstore.log").open("ab")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 - our own CLI


def install_and_announce(app_url: str, store_url: str) -> None:
    """Open the app as the Admin would (token exchange, first backfill), then print the URLs."""
    wait_until_up(f"{app_url}/healthz", 60)
    response = httpx.get(f"{app_url}/demo", params={"shop": DEMO_SHOP}, follow_redirects=True,
                         timeout=60)
    if response.status_code != 200:
        print(f"Install failed: HTTP {response.status_code} {response.text[:300]}", flush=True)
        return
    print(f"App: {app_url}/demo", flush=True)
    print(f"Store: {store_url}", flush=True)


def main() -> None:
    """Run the demo until interrupted."""
    instance = Path(os.environ.get("INSTANCE_PATH") or project_root() / "instance")
    instance.mkdir(parents=True, exist_ok=True)
    app_port = free_port(int(os.environ.get("PORT", DEFAULT_APP_PORT)))
    store_port = free_port(DEFAULT_STORE_PORT)
    app_url, store_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{store_port}"
    os.environ.update(APP_URL=app_url, SHOPIFY_STORE_URL_OVERRIDE=store_url,
                      XSIGHT_ENV=os.environ.get("XSIGHT_ENV", "development"))
    settings = load_settings()
    secrets = {"SHOPIFY_API_KEY": settings.SHOPIFY_API_KEY,
               "SHOPIFY_API_SECRET": settings.SHOPIFY_API_SECRET}
    store = start_store(secrets, store_port, app_url, instance)
    print(f"Starting the simulated store (DEMO_ORDERS={demo_orders()}, plan {demo_plan()}) ...", flush=True)
    try:
        wait_for_store(f"{store_url}/_devstore/health", store, store_db_path(instance))
        serve(app_url, store_url, app_port)
    finally:
        store.terminate()
        store.wait(10)


def serve(app_url: str, store_url: str, port: int) -> None:
    """Serve the app and an in-process Huey consumer (embedded mode) in this process."""
    from xsight import create_app
    from xsight.extensions import socketio
    from xsight.ops.heap import freeze_startup_heap
    from xsight.tasks.context import use_app
    from xsight.tasks.registry import huey

    app = create_app()
    with app.app_context():
        upgrade()
    use_app(app)
    freeze_startup_heap()
    consumer = huey.create_consumer(workers=2, worker_type="thread", periodic=True)
    consumer.start()
    # The consumer installs handlers meant for its own run loop; this process stops on either.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    # Request lines carry ID tokens in their query strings: keep them out of the log.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    threading.Thread(target=install_and_announce, args=(app_url, store_url), daemon=True).start()
    try:
        socketio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True,
                     log_output=False)
    finally:
        consumer.stop(graceful=False)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
