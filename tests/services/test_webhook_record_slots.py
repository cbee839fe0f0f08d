"""The record step bounds how many deliveries of one process hold a database connection at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask

from xsight.extensions import db
from xsight.models import Shop
from xsight.services import webhook_record

AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def test_deliveries_beyond_the_bound_wait_for_a_slot(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":  # the bound fits in the pool: no overflow churn
            assert db.engine.pool.size() > webhook_record.RECORD_CONCURRENCY  # type: ignore[attr-defined]
    done = threading.Event()
    result: list[webhook_record.Recorded] = []

    def deliver() -> None:
        with app.app_context():
            result.append(webhook_record.record(shop.domain, "waits", "orders/create", "{}", "received",
                                                None, None, None, AT))
        done.set()

    for _ in range(webhook_record.RECORD_CONCURRENCY):  # every slot taken, as by slow statements
        webhook_record._slots.acquire()
    try:
        worker = threading.Thread(target=deliver)
        worker.start()
        assert not done.wait(0.3) and result == []  # it waits instead of opening a connection
        webhook_record._slots.release()
        assert done.wait(10)
        assert result[0].shop_id == shop.id and result[0].delivery_id is not None
    finally:
        for _ in range(webhook_record.RECORD_CONCURRENCY - 1):
            webhook_record._slots.release()
        worker.join(10)
