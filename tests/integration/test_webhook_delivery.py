"""Real webhooks from the store, duplicated, reordered and dropped: reconciliation converges."""

from __future__ import annotations

import httpx
from flask import Flask
from sqlalchemy import select

from tests.integration.conftest import (
    activity,
    db_totals,
    install,
    shop_id,
    truth_totals,
    wait_for_webhooks,
)
from xsight.devstore.server import StoreHandle
from xsight.extensions import db
from xsight.models import WebhookDelivery
from xsight.tasks.sync import start


def test_webhooks_with_faults_then_reconciliation(live_app: Flask, store: StoreHandle,
                                                  served_app: str) -> None:
    assert install(live_app, store) == 200
    wait_for_webhooks(store)
    store.set_faults(webhook_duplicate=0.2, webhook_reorder=0.3, webhook_drop=0.1)
    activity(store, 60)
    wait_for_webhooks(store)
    with httpx.Client(base_url=store.base_url) as control:
        log = control.get("/_devstore/webhooks").json()["deliveries"]
    assert log, "the store delivered no webhooks"
    with live_app.app_context():
        statuses = set(db.session.scalars(select(WebhookDelivery.status)))
        assert "processed" in statuses and statuses <= {"processed", "ignored", "retrying"}, statuses
    sid = shop_id(live_app, store)
    with live_app.app_context():  # the periodic reconciliation catches what was dropped
        run = start(sid, "incremental")
        db.session.refresh(run)
        assert run.status == "succeeded", run.error
    assert db_totals(live_app) == truth_totals(store)
