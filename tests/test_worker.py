"""`python -m xsight.worker` patches gevent only when greenlet workers are asked for."""

from __future__ import annotations

from xsight.worker import _wants_greenlets


def test_greenlet_workers_are_recognised_in_every_spelling() -> None:
    assert _wants_greenlets(["-k", "greenlet", "-w", "16"])
    assert _wants_greenlets(["-w", "4", "--worker-type", "greenlet"])
    assert _wants_greenlets(["--worker-type=greenlet"])
    assert not _wants_greenlets(["-k", "thread", "-w", "2"])
    assert not _wants_greenlets(["-w", "2"])
    assert not _wants_greenlets(["-k"])
