"""Fault soak (issue #9): store activity and faults against the production layout; then all must match.

Usage (loopback only; stops by itself):
  nice -n 10 python -m bench.soak.run --minutes 30 --database-url postgresql://… --redis-url redis://…
  python -m bench.soak.run --minutes 5            # embedded backends: SQLite + SqliteHuey, no Redis
Prints a JSON summary (and a markdown table with --markdown) and exits 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from bench.soak import checks, drain, layout, scenario
from xsight.config import load_settings, new_encryption_key

KEY, SECRET = "soak-key", "soak-secret-" + "s" * 40
SESSION_KEY = "soak-" + "k" * 32


@dataclass
class Options:
    """One soak: how long, how hard, on which backends."""

    minutes: float = 30.0
    database_url: str = ""
    redis_url: str = ""
    folder: Path | None = None
    activity_rate: float = 2.0  # store actions per second, per shop
    kill_every_s: float = 180.0
    delete_every_s: float = 20.0
    stalled_after_s: int = 60  # WEBHOOK_STALLED_AFTER_SECONDS of the consumers
    retry_delay_s: int = 30  # WEBHOOK_RETRY_DELAY_SECONDS of the consumers
    drain_timeout_s: float = 600.0
    tick_s: float = 15.0  # while quiescing, enqueue the periodic sweep and reconcile this often
    prepare_database: bool = True  # run the migrations first (the CLI), or trust the caller (pytest)
    size: tuple[int, int, int] = (300, 1500, 30)  # customers, orders, products per shop


def _driver_app(opts: Options, folder: Path) -> Any:
    from flask_migrate import upgrade

    from xsight import create_app

    app = create_app(load_settings(environ={}, XSIGHT_ENV="development", DATABASE_URL=opts.database_url,
                                   REDIS_URL=opts.redis_url, INSTANCE_PATH=str(folder / "driver"),
                                   SHOPIFY_API_KEY=KEY, SHOPIFY_API_SECRET=SECRET,
                                   ENCRYPTION_KEY=new_encryption_key(), SECRET_KEY=SESSION_KEY))
    if opts.prepare_database:
        with app.app_context():
            upgrade()
            if checks.shop_ids():
                raise SystemExit(f"{opts.database_url} already holds shops; give the soak an empty database.")
    return app


def run_soak(opts: Options) -> dict[str, Any]:
    """Run one soak and return its summary (`ok` is False on any mismatch)."""
    folder = opts.folder or Path(tempfile.mkdtemp(prefix="xsight-soak-"))
    folder.mkdir(parents=True, exist_ok=True)
    if not opts.database_url:
        opts.database_url = f"sqlite:///{folder / 'app.sqlite3'}"
    started = time.monotonic()
    app = _driver_app(opts, folder)
    scenario.empty_queue(opts.redis_url, folder / "instance")
    customers, orders, products = opts.size
    store = scenario.open_store(folder, KEY, SECRET, {"customers": customers, "orders": orders,
                                                      "products": products})
    env = {**os.environ, "XSIGHT_ENV": "development", "DATABASE_URL": opts.database_url,
           "REDIS_URL": opts.redis_url, "SHOPIFY_API_KEY": KEY, "SHOPIFY_API_SECRET": SECRET,
           "ENCRYPTION_KEY": new_encryption_key(), "SECRET_KEY": SESSION_KEY,
           "SHOPIFY_STORE_URL_OVERRIDE": store.base_url, "INSTANCE_PATH": str(folder / "instance"),
           "LOG_FORMAT": "json", "WEBHOOK_STALLED_AFTER_SECONDS": str(opts.stalled_after_s),
           "WEBHOOK_RETRY_DELAY_SECONDS": str(opts.retry_delay_s)}
    procs = layout.Layout(env, folder)
    summary: dict[str, Any] = {"folder": str(folder), "backends": "postgresql+redis" if opts.redis_url
                               else opts.database_url.split(":")[0], "faults": scenario.FAULTS}
    try:
        procs.start()
        store.config.app_url = procs.urls[0]
        _install(opts, store, procs, app, summary)
        summary["chaos"] = _soak(opts, store, procs)
        summary["activity"] = dict(store.services.activity.counts)
        summary["quiesce"] = drain.quiesce(store, procs, app, env, folder, redis_url=opts.redis_url,
                                             timeout_s=opts.drain_timeout_s, tick_s=opts.tick_s)
        summary.update(_check(store, app, opts, folder))
    except (TimeoutError, RuntimeError) as exc:
        summary["error"] = f"{type(exc).__name__}: {exc}"
        summary.setdefault("ok", False)
        summary["ok"] = False
    finally:
        procs.stop()
        store.stop()
        _dispose(app)
    summary["kills"] = procs.kills
    summary["duration_s"] = round(time.monotonic() - started, 1)
    return summary


def _dispose(app: Any) -> None:
    from xsight.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _install(opts: Options, store: Any, procs: layout.Layout, app: Any, summary: dict[str, Any]) -> None:
    from xsight.extensions import db
    from xsight.models import SyncRun

    for shop, _ in scenario.SHOPS:
        opened = httpx.get(procs.urls[0] + "/", params={"shop": shop, "host": "YWRtaW4", "embedded": "1",
                                                        "id_token": store.id_token(shop)}, timeout=60)
        if opened.status_code != 200:
            raise RuntimeError(f"Installing {shop} answered {opened.status_code}: {opened.text[:300]}")
    store.services.activity.set_rate(opts.activity_rate)  # the shops keep changing during the backfill

    def backfilled() -> bool:
        with app.app_context():
            done = db.session.scalars(select(SyncRun.shop_id).where(
                SyncRun.kind == "backfill", SyncRun.status == "succeeded")).all()
            db.session.rollback()
        return len(set(done)) == len(scenario.SHOPS)
    summary["backfill_s"] = scenario.wait_for(backfilled, 300, "both backfills", procs.check_alive)


def _soak(opts: Options, store: Any, procs: layout.Layout) -> dict[str, Any]:
    """Run activity, deletions, consumer kills and one Redis restart for the soak's duration."""
    store.services.activity.set_rate(opts.activity_rate)
    deleter = scenario.Deleter(store)
    end = time.monotonic() + opts.minutes * 60
    next_kill = time.monotonic() + opts.kill_every_s
    next_delete = time.monotonic() + opts.delete_every_s
    redis_at = time.monotonic() + opts.minutes * 30 if opts.redis_url else None
    redis: dict[str, Any] | None = None
    victims = ("worker-1", "worker-2")
    while time.monotonic() < end:
        procs.check_alive()
        now = time.monotonic()
        if now >= next_kill:
            procs.kill_worker(victims[len(procs.kills) % 2])
            next_kill = now + opts.kill_every_s
        if now >= next_delete:
            deleter.step()
            next_delete = now + opts.delete_every_s
        if redis_at is not None and now >= redis_at and redis is None:
            redis = layout.restart_redis(opts.redis_url)
        time.sleep(0.5)
    store.services.activity.set_rate(0)
    return {"deleted": deleter.counts, "redis_restart": redis}


def _check(store: Any, app: Any, opts: Options, folder: Path) -> dict[str, Any]:
    with app.app_context():
        ids = checks.shop_ids()
        shops = {}
        for shop, _ in scenario.SHOPS:
            truth = checks.store_totals(store.services.storage, shop)
            mine = checks.app_totals(ids[shop])
            shops[shop] = {"store": truth, "mismatches": checks.compare(truth, mine)}
        deliveries = checks.delivery_check(ids, list(store.services.webhooks.log))
        backlog = checks.backlog_check(*scenario.queue_counts(opts.redis_url, folder / "instance"))
    ok = (all(not s["mismatches"] for s in shops.values()) and deliveries["missing_count"] == 0
          and deliveries["not_applied_count"] == 0 and not deliveries["unknown_in_app"]
          and deliveries["given_up_by_store"] == 0 and backlog["pending_deliveries"] == 0
          and not backlog["active_sync_runs"] and backlog["queue_pending"] == 0
          and backlog["queue_scheduled"] == 0)
    return {"ok": ok, "shops": shops, "deliveries": deliveries, "backlog": backlog}


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(f"soak stopped by signal {signum}")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the soak, print the summary; exit 1 on any mismatch."""
    p = argparse.ArgumentParser(prog="python -m bench.soak.run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=30.0)
    p.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite in the folder)")
    p.add_argument("--redis-url", default="", help="loopback Redis the soak may restart")
    p.add_argument("--folder", type=Path, help="logs and the store (default: a new temp folder)")
    p.add_argument("--activity-rate", type=float, default=2.0, help="store actions/s per shop")
    p.add_argument("--kill-every", type=float, default=180.0, help="seconds between consumer SIGKILLs")
    p.add_argument("--markdown", action="store_true", help="also print a markdown summary")
    a = p.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)  # stop the layout and the store on `kill` too
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="xsight-soak-driver-"))
    if a.redis_url and not a.database_url.startswith("postgres"):
        p.error("--redis-url goes with a PostgreSQL --database-url (the production layout).")
    summary = run_soak(Options(minutes=a.minutes, database_url=a.database_url, redis_url=a.redis_url,
                               folder=a.folder, activity_rate=a.activity_rate, kill_every_s=a.kill_every))
    print(json.dumps(summary, indent=2, default=str))
    if a.markdown:
        from bench.soak.report import markdown

        print(markdown(summary))
    return 0 if summary.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
