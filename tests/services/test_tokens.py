"""Expiring offline tokens: refreshed before expiry, never lost to a concurrent refresh."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import MakeApp, make_settings
from tests.fake_shopify import FakeTokenEndpoint
from xsight.errors import ShopNotInstalled
from xsight.extensions import db
from xsight.models import Shop
from xsight.models.types import utcnow
from xsight.services import tokens
from xsight.services.tokens import access_token, rotate_encryption_key
from xsight.shopify.token_exchange import TokenSet

SHOP = "alpha.myshopify.com"


@pytest.fixture
def fake(app: Flask) -> FakeTokenEndpoint:
    endpoint = FakeTokenEndpoint()
    app.extensions["xsight.http"] = endpoint.client()
    return endpoint


def install(app: Flask, fake: FakeTokenEndpoint, expires_in_s: int) -> int:
    pair = fake._pair()
    with app.app_context():
        shop = Shop(domain=SHOP, installed=True)
        db.session.add(shop)
        tokens.store_tokens(shop, TokenSet(
            pair["access_token"], pair["scope"], utcnow() + timedelta(seconds=expires_in_s),
            pair["refresh_token"], utcnow() + timedelta(days=90)))
        db.session.commit()
        return shop.id


def test_valid_token_is_returned_without_a_call(app: Flask, fake: FakeTokenEndpoint) -> None:
    shop_id = install(app, fake, 3600)
    with app.app_context():
        assert access_token(shop_id) == fake.issued[0]
    assert fake.calls == []


def test_token_near_expiry_is_refreshed_and_rotated(app: Flask, fake: FakeTokenEndpoint) -> None:
    shop_id = install(app, fake, 60)
    with app.app_context():
        fresh = access_token(shop_id)
        assert fresh == fake.issued[2]
        assert fake.calls[0]["grant_type"] == "refresh_token"
        assert fake.calls[0]["host"] == SHOP
        assert access_token(shop_id) == fresh  # stored, no second refresh
    assert len(fake.calls) == 1


def test_concurrent_refreshes_never_lose_the_new_pair(app: Flask, fake: FakeTokenEndpoint) -> None:
    shop_id = install(app, fake, 10)
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        with app.app_context():
            try:
                barrier.wait()
                results.append(access_token(shop_id))
            except BaseException as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert len(fake.calls) == 1  # one refresh; the others reused its pair
    assert set(results) == {fake.issued[2]}
    with app.app_context():  # the stored refresh token is the live one: refreshing again works
        assert access_token(shop_id, force_refresh=True) == fake.issued[4]


def test_forced_refresh_after_a_401(app: Flask, fake: FakeTokenEndpoint) -> None:
    shop_id = install(app, fake, 3600)
    with app.app_context():
        assert access_token(shop_id, force_refresh=True) == fake.issued[2]


def test_uninstalled_shop_has_no_token(app: Flask, fake: FakeTokenEndpoint) -> None:
    shop_id = install(app, fake, 3600)
    with app.app_context():
        tokens.clear_tokens(db.session.get(Shop, shop_id))
        db.session.commit()
        with pytest.raises(ShopNotInstalled):
            access_token(shop_id)


def test_rotate_key_re_encrypts_everything(app: Flask, fake: FakeTokenEndpoint, make_app: MakeApp,
                                          tmp_path: Path) -> None:
    shop_id = install(app, fake, 3600)
    old_key = app.extensions["xsight.settings"].ENCRYPTION_KEY
    with app.app_context():
        old_blob = db.session.get(Shop, shop_id).access_token_ciphertext
    same_db = app.config["SQLALCHEMY_DATABASE_URI"]
    new_settings = make_settings(tmp_path / "i2", DATABASE_URL=same_db,
                                 ENCRYPTION_KEY=make_settings(tmp_path).ENCRYPTION_KEY,
                                 ENCRYPTION_KEY_PREVIOUS=old_key)
    rotated = make_app(new_settings)
    rotated.extensions["xsight.http"] = fake.client()
    result = rotated.test_cli_runner().invoke(args=["xsight", "rotate-key"])
    assert "1 shop(s)" in result.output, result.output
    with rotated.app_context():
        shop = db.session.get(Shop, shop_id)
        assert shop.access_token_ciphertext != old_blob
        assert shop.access_token_key_id == rotated.extensions["xsight.cipher"].current_key_id
    only_new = make_app(make_settings(tmp_path / "i3", DATABASE_URL=same_db,
                                        ENCRYPTION_KEY=new_settings.ENCRYPTION_KEY))
    with only_new.app_context():
        assert access_token(shop_id) == fake.issued[0]
        assert rotate_encryption_key() == 0
