"""A queued run that no worker ever took is stale once a lease has passed, like a silent running one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask

from xsight.models import Shop, SyncRun
from xsight.models.types import utcnow
from xsight.services.sync_runs import LEASE_SECONDS, is_stale


def run(shop: Shop, status: str, created_s: float, heartbeat_s: float | None) -> SyncRun:
    now = utcnow()
    return SyncRun(shop_id=shop.id, kind="incremental", status=status, checkpoint={},
                   created_at=now - timedelta(seconds=created_s),
                   heartbeat_at=None if heartbeat_s is None else now - timedelta(seconds=heartbeat_s))


def test_staleness(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop, old, young = make_shop(), LEASE_SECONDS + 5, 5
    with app.app_context():
        assert is_stale(run(shop, "queued", old, None)), "its task was lost: queue it again"
        assert not is_stale(run(shop, "queued", young, None)), "still waiting in the queue"
        assert is_stale(run(shop, "running", old, old)), "its worker died"
        assert not is_stale(run(shop, "running", old, young)), "its worker is alive"
        assert not is_stale(run(shop, "succeeded", old, None))
        assert not is_stale(run(shop, "failed", old, old))
