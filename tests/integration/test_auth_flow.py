"""Install, refresh, concurrent refresh, 401 recovery, uninstall and reinstall against the store."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx
import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.integration.conftest import install, shop_id, wait_for_webhooks
from xsight.devstore.server import StoreHandle
from xsight.extensions import db
from xsight.models import Order, Shop
from xsight.models.types import utcnow
from xsight.services import tokens
from xsight.services.shopify_client import client_for
from xsight.shopify import token_exchange


@pytest.fixture
def refresh_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    original = token_exchange.refresh

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[1])
        return original(*args, **kwargs)

    monkeypatch.setattr(token_exchange, "refresh", counting)
    return calls


def expire_locally(live_app: Flask, sid: int) -> None:
    with live_app.app_context():
        shop = db.session.get(Shop, sid)
        shop.access_token_expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_expiring_token_is_refreshed_and_works(live_app: Flask, store: StoreHandle,
                                               refresh_calls: list[str]) -> None:
    assert install(live_app, store) == 200
    sid = shop_id(live_app, store)
    expire_locally(live_app, sid)
    with live_app.app_context():
        shop = db.session.get(Shop, sid)
        assert client_for(shop).execute("Shop")["shop"]["myshopifyDomain"] == store.shop
    assert len(refresh_calls) == 1


def test_two_workers_refreshing_at_once_keep_the_new_pair(live_app: Flask, store: StoreHandle,
                                                         refresh_calls: list[str]) -> None:
    assert install(live_app, store) == 200
    sid = shop_id(live_app, store)
    expire_locally(live_app, sid)
    barrier, results, errors = threading.Barrier(2), [], []

    def worker() -> None:
        with live_app.app_context():
            try:
                barrier.wait()
                results.append(tokens.access_token(sid))
            except Exception as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and len(set(results)) == 1 and len(refresh_calls) == 1
    expire_locally(live_app, sid)  # the stored refresh token is the live one
    with live_app.app_context():
        shop = db.session.get(Shop, sid)
        assert client_for(shop).execute("Shop")["shop"]["myshopifyDomain"] == store.shop
    assert len(refresh_calls) == 2


def test_a_401_triggers_exactly_one_refresh_and_retry(live_app: Flask, store: StoreHandle,
                                                      refresh_calls: list[str]) -> None:
    assert install(live_app, store) == 200
    sid = shop_id(live_app, store)
    with live_app.app_context():
        current = tokens.access_token(sid)
    with httpx.Client(base_url=store.base_url) as control:  # Shopify revokes it early
        assert control.post("/_devstore/tokens/expire", json={"token": current}).status_code == 200
    with live_app.app_context():
        shop = db.session.get(Shop, sid)
        assert client_for(shop).execute("Shop")["shop"]["myshopifyDomain"] == store.shop
    assert len(refresh_calls) == 1


def test_uninstall_and_reinstall(live_app: Flask, store: StoreHandle, served_app: str) -> None:
    assert install(live_app, store) == 200
    sid = shop_id(live_app, store)
    with live_app.app_context():
        orders = db.session.scalar(select(func.count()).select_from(Order))
    with httpx.Client(base_url=store.base_url) as control:
        assert control.post("/_devstore/uninstall").status_code == 200
    wait_for_webhooks(store)
    with live_app.app_context():
        shop = db.session.get(Shop, sid)
        assert not shop.installed and shop.access_token_ciphertext is None
    assert install(live_app, store) == 200
    with live_app.app_context():
        shop = db.session.get(Shop, sid)
        assert shop.installed and shop.access_token_ciphertext is not None
        assert db.session.scalar(select(func.count()).select_from(Shop)) == 1
        assert db.session.scalar(select(func.count()).select_from(Order)) == orders
