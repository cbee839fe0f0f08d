"""Give tasks an app context: the caller's in tests and the demo, a worker's own otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context

from xsight.extensions import db

_worker_app: list[Flask] = []


@contextmanager
def task_app() -> Iterator[Flask]:
    """Run the body inside an app context, creating the worker's app on first use."""
    if has_app_context():
        yield current_app._get_current_object()  # type: ignore[attr-defined]
        return
    if not _worker_app:
        from xsight import create_app

        _worker_app.append(create_app())
    with _worker_app[0].app_context():
        try:
            yield _worker_app[0]
        finally:
            db.session.remove()


def use_app(app: Flask) -> None:
    """Make tasks run in `app` when no context is active (the embedded consumer)."""
    _worker_app[:] = [app]
