"""`flask xsight ...` operator commands."""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from xsight.services.tokens import rotate_encryption_key

xsight_cli = AppGroup("xsight", help="XSight operator commands.")


@xsight_cli.command("rotate-key")
def rotate_key() -> None:
    """Re-encrypt every stored token under the current ENCRYPTION_KEY."""
    changed = rotate_encryption_key()
    click.echo(f"Re-encrypted the tokens of {changed} shop(s) under the current key.")


@xsight_cli.command("sync")
@click.option("--shop", "domain", required=True, help="The shop's myshopify.com domain.")
@click.option("--full", is_flag=True, help="Re-export everything with bulk operations.")
def sync(domain: str, full: bool) -> None:
    """Run a sync of one shop now, in this process, with a progress bar."""
    from xsight import realtime
    from xsight.services import installs, sync_runs
    from xsight.tasks.sync import run_sync

    shop = installs.shop_by_domain(domain)
    if shop is None or not shop.installed:
        raise click.ClickException(f"{domain} has not installed XSight.")
    backfilled = (shop.settings or {}).get("backfilled_at")
    kind = ("full" if backfilled else "backfill") if full or not backfilled else "incremental"
    run = sync_runs.create(shop.id, kind)
    bar = ProgressBar()
    realtime.listeners.append(bar.update)
    try:
        outcome = run_sync.call_local(run.id)
    finally:
        realtime.listeners.remove(bar.update)
        click.echo()
    run = sync_runs.get(shop.id, run.id)
    if outcome != "succeeded":
        raise click.ClickException(f"Sync {run.id} {run.status}: {run.error}")
    click.echo(f"Sync {run.id} ({kind}) succeeded: {run.processed} objects.")


@xsight_cli.command("doctor")
def doctor() -> None:
    """Check configuration, database, queue, Redis and every shop; exit 1 when something fails."""
    from flask import current_app

    from xsight.ops import doctor as checks

    findings = checks.run(current_app._get_current_object(), say=click.echo)  # type: ignore[attr-defined]
    failed = [f for f in findings if not f.ok]
    if failed:
        click.echo(f"{len(failed)} check(s) failed; fix them and run `flask xsight doctor` again.")
        raise SystemExit(1)
    click.echo("Everything XSight needs answered.")


class ProgressBar:
    """Draw `sync:progress` events as one terminal line."""

    WIDTH = 30

    def update(self, shop_id: int, event: str, payload: dict[str, Any]) -> None:
        """Redraw the bar for a progress event."""
        if event != "sync:progress":
            return
        percent = payload.get("percent")
        filled = int(self.WIDTH * (percent or 0) / 100)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        total = payload.get("total") or "?"
        eta = payload.get("eta_seconds")
        eta_text = f" ETA {eta:.0f}s" if isinstance(eta, int | float) else ""
        click.echo(f"\r[{bar}] {percent or 0:5.1f}% {payload.get('step') or '':<22} "
                   f"{payload.get('processed')}/{total}{eta_text}   ", nl=False)


def register_cli(app: Flask) -> None:
    """Attach the operator commands to the app."""
    app.cli.add_command(xsight_cli)
