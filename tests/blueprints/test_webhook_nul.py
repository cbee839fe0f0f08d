"""A signed webhook with a NUL in its body or X-Shopify headers answers 400, not 500 (found by the fuzz)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.conftest import ShopifyHelper
from xsight.models import Shop


# A NUL in the body makes it malformed JSON: stored (NUL replaced) for inspection, see
# tests/blueprints/test_webhook_fuzz.py; a NUL in a header is refused before anything is stored.
@pytest.mark.parametrize(("body", "topic"), [(b'{"id": 1}', "orders/create\x00"),
                                             (b'{{{', "orders/create\x00")])
def test_nul_is_refused_before_the_delivery_is_recorded(client: FlaskClient, shopify: ShopifyHelper,
                                                        make_shop: Callable[..., Shop], body: bytes,
                                                        topic: str) -> None:
    shop = make_shop()
    headers = shopify.webhook_headers(shop.domain, topic, body)
    response = client.post("/webhooks", data=body, headers=headers)
    assert response.status_code == 400 and "NUL" in response.json["message"], response.get_data(as_text=True)
