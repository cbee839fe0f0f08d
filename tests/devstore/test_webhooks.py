"""Webhooks: signed like Shopify, REST-shaped, retried, duplicated, dropped and reordered on demand."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import httpx

from xsight.devstore import StoreHandle

from .conftest import SHOP, Admin, Receiver

HEADERS = (
    "X-Shopify-Topic",
    "X-Shopify-Hmac-Sha256",
    "X-Shopify-Shop-Domain",
    "X-Shopify-Api-Version",
    "X-Shopify-Webhook-Id",
    "X-Shopify-Event-Id",
    "X-Shopify-Triggered-At",
)


def _verify(store: StoreHandle, request: dict) -> dict:
    digest = base64.b64encode(
        hmac.new(store.config.api_secret.encode(), request["body"], hashlib.sha256).digest()
    )
    assert hmac.compare_digest(digest.decode(), request["headers"]["X-Shopify-Hmac-Sha256"])
    return dict(json.loads(request["body"]))


def test_store_activity_sends_signed_rest_shaped_webhooks(
    live_store: StoreHandle, receiver: Receiver
) -> None:
    order = live_store.services.mutate.create_order(SHOP, new_customer=True)
    live_store.services.mutate.refund(SHOP, order["id"], full=False)
    live_store.services.mutate.cancel(SHOP)
    product = live_store.services.mutate.create_product(SHOP)
    assert live_store.services.webhooks.wait_idle()
    topics = receiver.topics()
    for topic in (
        "orders/create",
        "customers/create",
        "customers/update",
        "refunds/create",
        "orders/updated",
        "orders/cancelled",
        "products/create",
    ):
        assert topic in topics, topics
    for request in receiver.requests:
        assert request["path"] == "/webhooks"
        assert all(h in request["headers"] for h in HEADERS), request["headers"]
        assert request["headers"]["X-Shopify-Shop-Domain"] == SHOP
        payload = _verify(live_store, request)
        assert isinstance(payload["id"], int)
    created = next(
        _verify(live_store, r)
        for r in receiver.requests
        if r["headers"]["X-Shopify-Topic"] == "orders/create"
    )
    assert created["admin_graphql_api_id"] == f"gid://shopify/Order/{order['id']}"
    assert created["name"] == order["name"] and created["line_items"][0]["price_set"]["shop_money"]["amount"]
    created_product = next(
        _verify(live_store, r)
        for r in receiver.requests
        if r["headers"]["X-Shopify-Topic"] == "products/create"
    )
    assert product is not None and created_product["id"] == product["id"]
    assert len(created_product["variants"]) == len(product["variants"])
    refund = next(
        _verify(live_store, r)
        for r in receiver.requests
        if r["headers"]["X-Shopify-Topic"] == "refunds/create"
    )
    assert refund["order_id"] == order["id"] and refund["refund_line_items"][0]["quantity"] == 1
    admin = Admin(live_store, live_store.access_token())
    gql = admin(
        """query($id: ID!) { order(id: $id) { displayFinancialStatus
          totalRefundedSet { shopMoney { amount } } } }""",
        {"id": created["admin_graphql_api_id"]},
    )["data"]["order"]
    assert gql["displayFinancialStatus"] == "PARTIALLY_REFUNDED"
    assert gql["totalRefundedSet"]["shopMoney"]["amount"] == refund["transactions"][0]["amount"]


def test_failed_deliveries_are_retried(live_store: StoreHandle, receiver: Receiver) -> None:
    receiver.script = [500, 503]
    live_store.services.mutate.update_customer(SHOP)
    assert live_store.services.webhooks.wait_idle()
    log = list(live_store.services.webhooks.log)
    assert log[-1]["outcome"] == "delivered" and log[-1]["statuses"] == ["500", "503", "200"]
    ids = [r["headers"]["X-Shopify-Webhook-Id"] for r in receiver.requests]
    assert len(ids) == 3 and len(set(ids)) == 1  # retries carry the same webhook id and body


def test_duplicates_drops_and_reordering(live_store: StoreHandle, receiver: Receiver) -> None:
    sender = live_store.services.webhooks
    live_store.set_faults(webhook_duplicate=1.0)
    sender.emit(SHOP, "products/update", {"id": 1})
    assert sender.wait_idle()
    assert len(receiver.requests) == 2
    assert (
        receiver.requests[0]["headers"]["X-Shopify-Webhook-Id"]
        == receiver.requests[1]["headers"]["X-Shopify-Webhook-Id"]
    )
    live_store.set_faults(webhook_duplicate=0.0, webhook_drop=1.0)
    sender.emit(SHOP, "products/update", {"id": 2})
    assert sender.wait_idle() and len(receiver.requests) == 2 and sender.log[-1]["outcome"] == "dropped"
    live_store.set_faults(webhook_drop=0.0, webhook_reorder=1.0)
    sender.emit(SHOP, "products/update", {"id": 3})
    live_store.set_faults(webhook_reorder=0.0)
    sender.emit(SHOP, "products/update", {"id": 4})
    assert sender.wait_idle()
    assert [json.loads(r["body"])["id"] for r in receiver.requests[2:]] == [4, 3]


def test_compliance_uninstall_and_tag_mutations(live_store: StoreHandle, receiver: Receiver) -> None:
    admin = Admin(live_store, live_store.access_token())
    customer = admin("{ customers(first: 1) { nodes { id updatedAt tags } } }")["data"]["customers"]["nodes"][
        0
    ]
    added = admin(
        """mutation($id: ID!) { tagsAdd(id: $id, tags: ["vip-segment", "x"]) { node { id ... on Customer {
      tags updatedAt } } userErrors { field message } } }""",
        {"id": customer["id"]},
    )["data"]["tagsAdd"]
    assert added["userErrors"] == [] and {"vip-segment", "x"} <= set(added["node"]["tags"])
    assert added["node"]["updatedAt"] >= customer["updatedAt"]
    removed = admin(
        """mutation($id: ID!) { tagsRemove(id: $id, tags: ["x"]) { node { id ... on Customer { tags } }
      userErrors { message } } }""",
        {"id": customer["id"]},
    )["data"]["tagsRemove"]
    assert "x" not in removed["node"]["tags"] and "vip-segment" in removed["node"]["tags"]
    cid = int(customer["id"].rsplit("/", 1)[1])
    control = httpx.Client(base_url=live_store.base_url)
    assert control.post(
        "/_devstore/compliance", json={"topic": "customers/redact", "customer_id": cid}
    ).is_success
    order_id = live_store.services.storage.query("SELECT id FROM orders LIMIT 1")[0][0]
    assert control.post("/_devstore/delete", json={"kind": "order", "id": order_id}).json() == {
        "deleted": True
    }
    assert control.post("/_devstore/uninstall", json={"shop": SHOP}).json()["revoked"] >= 1
    assert live_store.services.webhooks.wait_idle()
    by_topic = {r["headers"]["X-Shopify-Topic"]: r for r in receiver.requests}
    assert by_topic["customers/redact"]["path"] == "/webhooks/compliance"
    redact = _verify(live_store, by_topic["customers/redact"])
    assert redact["customer"]["id"] == cid and redact["orders_to_redact"]
    assert _verify(live_store, by_topic["app/uninstalled"])["myshopify_domain"] == SHOP
    assert _verify(live_store, by_topic["orders/delete"]) == {"id": order_id}
    assert [
        json.loads(r["body"])["id"]
        for r in receiver.requests
        if r["headers"]["X-Shopify-Topic"] == "customers/update"
    ] == [cid, cid]
    assert admin.post("{ shop { id } }").status_code == 401  # tokens revoked on uninstall
