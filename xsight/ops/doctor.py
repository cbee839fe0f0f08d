"""`flask xsight doctor`: check configuration, database, queue, Redis and every shop; say what to fix."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select, text

from xsight import settings_of
from xsight.config import Settings, project_root, validate
from xsight.errors import (
    ConfigurationError,
    ShopifyError,
    ShopifyUnauthorized,
    ShopNotInstalled,
    TokenExchangeFailed,
    XSightError,
)
from xsight.extensions import db
from xsight.models import Shop
from xsight.ops import backlog, metrics

# One attempt per shop: the doctor reports; the sync engine is the one that retries.
SHOP_CHECK_ATTEMPTS = 1
REDIS_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class Check:
    """One finding: what was checked, whether it passed, what was seen, and how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False  # passed, but worth a look

    def line(self) -> str:
        """Return the finding as one terminal line (and its fix on the next)."""
        mark = "ok  " if self.ok and not self.warning else ("warn" if self.ok else "FAIL")
        return f"[{mark}] {self.name}: {self.detail}" + (f"\n       fix: {self.fix}" if self.fix else "")


def check_configuration(settings: Settings) -> Iterator[Check]:
    """Validate the settings and point out risky production choices."""
    try:
        validate(settings)
        yield Check("configuration", True, f"{settings.XSIGHT_ENV} settings are valid")
    except ConfigurationError as exc:
        yield Check("configuration", False, "; ".join(exc.problems), "set the variables listed above")
    production = settings.XSIGHT_ENV == "production"
    if production and not settings.METRICS_TOKEN:
        yield Check("metrics", True, "METRICS_TOKEN is unset: /metrics answers loopback callers only",
                    "set METRICS_TOKEN if Prometheus scrapes from another host", warning=True)
    if production and not settings.SENTRY_DSN:
        yield Check("error reporting", True, "SENTRY_DSN is unset: errors are only logged",
                    "set SENTRY_DSN to report errors to Sentry", warning=True)
    folder = metrics.multiprocess_dir()
    if folder and not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
        yield Check("metrics", False, f"PROMETHEUS_MULTIPROC_DIR={folder} is not a writable folder",
                    "create it (empty) before starting gunicorn and the workers")


def check_database() -> Iterator[Check]:
    """Reach the database and compare its schema revision with the code's."""
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    logging.getLogger("alembic").setLevel(logging.WARNING)  # its "Context impl" line is noise here
    try:
        db.session.execute(text("SELECT 1"))
        with db.engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except Exception as exc:  # any failure to reach it is the finding
        db.session.rollback()
        yield Check("database", False, f"unreachable ({type(exc).__name__})",
                    "check DATABASE_URL and that the database server is up")
        return
    config = Config()
    config.set_main_option("script_location", str(project_root() / "migrations"))
    heads = set(ScriptDirectory.from_config(config).get_heads())
    name = db.engine.dialect.name
    if current != heads:
        yield Check("database", False, f"{name} schema at {sorted(current) or 'nothing'}, code expects "
                    f"{sorted(heads)}", "run `flask --app wsgi db upgrade`")
    else:
        yield Check("database", True, f"{name} reachable, schema at {', '.join(sorted(heads))}")
    if name == "postgresql":
        yield check_backfill_extension()


def check_backfill_extension() -> Check:
    """Whether the backfill's C extension is built (PostgreSQL maps a bulk export with it, decision 090)."""
    from xsight.services.ingest import copy_rows

    if copy_rows.fast is None:
        return Check("backfill", True, "the C extension _copy_rows is not built: big backfills map in "
                     "Python, about 1.4x slower", "reinstall with a C compiler and Python's headers "
                     "(`pip install -e .` or `make install`)", warning=True)
    return Check("backfill", True, "C extension _copy_rows loaded")


def check_queue(settings: Settings) -> Iterator[Check]:
    """Reach the queue and report its backlog; reach Redis when it is configured."""
    from xsight.tasks.queue import queue_reachable

    problem = queue_reachable()
    if problem:
        yield Check("queue", False, problem, "check REDIS_URL (or the instance folder's huey.sqlite3)")
    else:
        lag = backlog.measure()
        yield Check("queue", True, f"{lag.queue_depth} waiting, {lag.scheduled} scheduled, oldest "
                    f"{lag.queue_lag_seconds or 0:.0f}s; oldest unapplied webhook "
                    f"{lag.oldest_pending_webhook_seconds or 0:.0f}s")
    if not settings.REDIS_URL:
        yield Check("redis", True, "not configured (embedded mode: SQLite queue, in-process events)")
        return
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=REDIS_TIMEOUT_SECONDS,
                             socket_connect_timeout=REDIS_TIMEOUT_SECONDS).ping()
        yield Check("redis", True, "reachable")
    except Exception as exc:  # any failure to reach it is the finding
        yield Check("redis", False, f"unreachable ({type(exc).__name__})",
                    "check REDIS_URL and that the Redis server is up")


def _implied(scopes: set[str]) -> set[str]:
    """Add the read scopes that Shopify's write scopes imply."""
    return scopes | {"read_" + s[len("write_"):] for s in scopes if s.startswith("write_")}


def check_shop(shop: Shop, required: set[str]) -> Check:
    """Call the shop's Admin API with its token and compare granted with required scopes."""
    from xsight.services.shopify_client import client_for

    name = f"shop {shop.domain}"
    try:
        client_for(shop, max_attempts=SHOP_CHECK_ATTEMPTS).execute("Shop")
    except (ShopifyUnauthorized, TokenExchangeFailed, ShopNotInstalled) as exc:
        return Check(name, False, f"Shopify refused the access token ({exc.message})",
                     "ask the merchant to open XSight from the Shopify Admin (a new token is "
                     "exchanged), or reinstall it")
    except (ShopifyError, XSightError) as exc:
        return Check(name, False, f"Admin API call failed: {exc.message}",
                     "check the shop is reachable and XSight is still installed there")
    granted = _implied({s.strip() for s in (shop.scopes or "").split(",") if s.strip()})
    missing = sorted(required - granted)
    if missing:
        return Check(name, False, f"token valid but scopes not granted: {', '.join(missing)}",
                     "ask the merchant to open XSight to approve the scopes in shopify.app.toml")
    return Check(name, True, "token valid, all scopes granted")


def check_shops(settings: Settings) -> Iterator[Check]:
    """Check every installed shop."""
    required = {s.strip() for s in settings.SHOPIFY_SCOPES.split(",") if s.strip()}
    shops = db.session.scalars(select(Shop).where(Shop.installed.is_(True)).order_by(Shop.id)).all()
    if not shops:
        yield Check("shops", True, "no installed shop yet")
    for shop in shops:
        yield check_shop(shop, required)


def run(app: Flask, say: Callable[[str], None] = print) -> list[Check]:
    """Run every check inside the app, print each finding as it comes, and return them."""
    settings = settings_of(app)
    findings: list[Check] = []
    with app.app_context():
        for group in (check_configuration(settings), check_database(), check_queue(settings)):
            for finding in group:
                findings.append(finding)
                say(finding.line())
        if not any(f.name == "database" and f.detail.startswith("unreachable") for f in findings):
            for finding in check_shops(settings):
                findings.append(finding)
                say(finding.line())
    return findings
