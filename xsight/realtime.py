"""Socket.IO: each browser joins its shop's room; sync progress is published there."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import request
from flask_socketio import join_room

from xsight.extensions import socketio

log = logging.getLogger(__name__)

PROGRESS_MIN_INTERVAL_S = 0.5  # at most two progress events per second per run
_last_progress: dict[int, float] = {}
_lock = threading.Lock()


def room(shop_id: int) -> str:
    """Return the Socket.IO room of a shop."""
    return f"shop:{shop_id}"


# In-process observers (e.g. the CLI's progress bar) called with (shop_id, event, payload).
listeners: list[Callable[[int, str, dict[str, Any]], None]] = []


def publish(shop_id: int, event: str, payload: dict[str, Any]) -> None:
    """Send an event to every browser of one shop (across processes when Redis is set)."""
    socketio.emit(event, payload, to=room(shop_id))
    for listener in listeners:
        listener(shop_id, event, payload)


def publish_progress(shop_id: int, payload: dict[str, Any], *, force: bool = False) -> bool:
    """Send `sync:progress` unless this run already sent one in the last half second."""
    run_id = int(payload["sync_run_id"])
    now = time.monotonic()
    with _lock:
        if not force and now - _last_progress.get(run_id, -1e9) < PROGRESS_MIN_INTERVAL_S:
            return False
        _last_progress[run_id] = now
    publish(shop_id, "sync:progress", payload)
    return True


def forget_run(run_id: int) -> None:
    """Drop the throttle state of a finished run."""
    with _lock:
        _last_progress.pop(run_id, None)


@socketio.on("connect")
def on_connect(auth: Any = None) -> bool:
    """Authenticate with an App Bridge ID token and join the shop's room."""
    from xsight.services import sync_runs
    from xsight.services.installs import shop_by_domain
    from xsight.services.shopify_app import shopify_app
    from xsight.shopify import session_token

    token = auth.get("token") if isinstance(auth, dict) else None
    if not token:
        return False
    outcome = session_token.verify(shopify_app(), "GET", request.url,
                                   {"Authorization": f"Bearer {token}"})
    if isinstance(outcome, session_token.Rejection):
        log.info("socket refused", extra={"reason": outcome.reason})
        return False
    shop = shop_by_domain(outcome.shop)
    if shop is None or not shop.installed:
        return False
    join_room(room(shop.id))
    socketio.emit("sync:active", {"runs": sync_runs.active_runs(shop.id)}, to=request.sid)  # type: ignore[attr-defined]
    return True
