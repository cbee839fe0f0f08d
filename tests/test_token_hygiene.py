"""No token string ever appears in the database (plaintext), logs or responses."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import MakeApp, ShopifyHelper, make_settings
from tests.fake_shopify import FakeTokenEndpoint
from xsight.extensions import db
from xsight.models import Shop
from xsight.services.tokens import access_token

SHOP = "alpha.myshopify.com"


def dump_database() -> str:
    """Return every value of every row of every table as text."""
    parts: list[str] = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            parts.extend(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row)
    return "\n".join(parts)


def queued_payloads(shop_id: int) -> str:
    """Enqueue every kind of task for real (not immediately) and return the stored messages."""
    from huey.storage import MemoryStorage

    from xsight.tasks import compliance, sync, webhooks
    from xsight.tasks.queue import huey

    saved = (huey.immediate, huey.storage)
    huey.immediate, huey.storage = False, MemoryStorage("hygiene")
    try:
        sync.run_sync(shop_id)
        webhooks.process_webhook(1)
        compliance.process_privacy_request(1)
        messages = [huey.storage.dequeue() for _ in range(huey.storage.queue_size())]
    finally:
        huey.immediate, huey.storage = saved
    assert len(messages) == 3
    return "\n".join(m.decode("latin-1") for m in messages if m)


def test_tokens_never_leak(app: Flask, shopify: ShopifyHelper, tmp_path: Path, make_app: MakeApp,
                           caplog: pytest.LogCaptureFixture,
                           make_shop: Callable[..., Shop]) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeTokenEndpoint()
    app.extensions["xsight.http"] = fake.client()
    client = app.test_client()
    seen: list[str] = []

    def record(response) -> None:  # type: ignore[no-untyped-def]
        seen.append(response.get_data(as_text=True))
        seen.append(str(response.headers))

    record(client.get("/", query_string={"shop": SHOP, "embedded": "1",
                                         "id_token": shopify.id_token(SHOP)}))
    record(client.get("/api/v1/shop", headers=shopify.auth(SHOP)))
    with app.app_context():
        shop_id = db.session.scalars(select(Shop.id).where(Shop.domain == SHOP)).one()
        access_token(shop_id, force_refresh=True)
    # An error path: Shopify refuses a refresh.
    app.extensions["xsight.http"] = httpx.Client(transport=httpx.MockTransport(
        lambda r: httpx.Response(400, json={"error": "invalid_grant"})))
    with app.app_context(), pytest.raises(Exception) as failure:
        access_token(shop_id, force_refresh=True)
    seen.append(str(failure.value))
    # Rotate the key.
    old_key = app.extensions["xsight.settings"].ENCRYPTION_KEY
    rotated = make_app(make_settings(tmp_path / "r", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
                                       ENCRYPTION_KEY=make_settings(tmp_path).ENCRYPTION_KEY,
                                       ENCRYPTION_KEY_PREVIOUS=old_key))
    seen.append(rotated.test_cli_runner().invoke(args=["xsight", "rotate-key"]).output)
    with app.app_context():
        dumped = dump_database()
    haystacks = {"database": dumped, "logs": caplog.text, "responses": "\n".join(seen),
                 "queue": queued_payloads(shop_id)}
    assert len(fake.issued) == 4
    for token in fake.issued:
        for where, text in haystacks.items():
            assert token not in text, f"a token leaked into {where}"
