"""The store answers Admin GraphQL like Shopify: valid shapes, errors, auth and tenancy."""

from __future__ import annotations

from decimal import Decimal

import httpx

from xsight.devstore import StoreHandle

from .conftest import OTHER_SHOP, Admin
from .shape import check

MONEY = "shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }"
ORDERS = f"""
query Orders($after: String, $first: Int = 4) {{
  orders(first: $first, after: $after, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor hasPreviousPage startCursor }}
    edges {{ cursor node {{
      id legacyResourceId name email createdAt updatedAt processedAt cancelledAt cancelReason closedAt test
      currencyCode presentmentCurrencyCode displayFinancialStatus displayFulfillmentStatus sourceName tags
      taxesIncluded discountCodes customer {{ id }}
      subtotalPriceSet {{ {MONEY} }} totalDiscountsSet {{ {MONEY} }} totalShippingPriceSet {{ {MONEY} }}
      totalTaxSet {{ {MONEY} }} totalPriceSet {{ {MONEY} }} totalRefundedSet {{ {MONEY} }}
      lineItems(first: 5) {{ nodes {{ id title sku quantity currentQuantity isGiftCard product {{ id }}
        variant {{ id }} originalUnitPriceSet {{ {MONEY} }}
        discountAllocations {{ allocatedAmountSet {{ shopMoney {{ amount currencyCode }} }} }}
        taxLines {{ title rate priceSet {{ {MONEY} }} }} }} }}
      shippingLines(first: 2) {{ nodes {{ id title code originalPriceSet {{ {MONEY} }} }} }}
      refunds {{ id createdAt processedAt note totalRefundedSet {{ {MONEY} }}
        refundLineItems(first: 5) {{ nodes {{ id quantity restockType subtotalSet {{ {MONEY} }}
          totalTaxSet {{ {MONEY} }} lineItem {{ id isGiftCard }} }} }}
        refundShippingLines(first: 2) {{ nodes {{ id subtotalAmountSet {{ {MONEY} }} }} }}
        orderAdjustments(first: 1) {{ nodes {{ id amountSet {{ {MONEY} }} }} }} }}
    }} }}
  }}
}}"""
CUSTOMERS = """{ customers(first: 100, sortKey: UPDATED_AT, query: "updated_at:>'2020-01-01T00:00:00Z'") {
  nodes { id legacyResourceId firstName lastName displayName
    defaultEmailAddress { emailAddress marketingState }
    defaultPhoneNumber { phoneNumber } defaultAddress { countryCodeV2 city provinceCode } tags state
    createdAt updatedAt amountSpent { amount currencyCode } numberOfOrders }
  pageInfo { hasNextPage endCursor } } }"""
PRODUCTS = """{ products(first: 60) { edges { node { id title handle vendor productType status tags createdAt
  updatedAt variants(first: 10) { nodes { id title sku price } } } } } }"""
SHOP_Q = """{ shop { id name email currencyCode ianaTimezone myshopifyDomain
  plan { publicDisplayName shopifyPlus } } }"""


def test_order_pages_match_the_query_shape(admin: Admin) -> None:
    after, seen, checked = None, 0, 0
    while True:
        admin.store.services.throttle.reset()  # this test is about shapes, not rate limits
        body = admin(ORDERS, {"after": after})
        assert "errors" not in body, body["errors"]
        assert body["extensions"]["cost"]["requestedQueryCost"] <= 1000
        checked += check(ORDERS, body["data"])
        conn = body["data"]["orders"]
        seen += len(conn["edges"])
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert (
        seen
        == admin.store.services.storage.query("SELECT COUNT(*) FROM orders WHERE shop=?", (admin.shop,))[0][0]
    )
    assert checked > 10_000


def test_order_money_adds_up(admin: Admin) -> None:
    body = admin(ORDERS)
    assert "errors" not in body, body
    for edge in body["data"]["orders"]["edges"]:
        o = edge["node"]

        def amt(key: str, o: dict = o) -> Decimal:
            return Decimal(o[key]["shopMoney"]["amount"])

        assert amt("totalPriceSet") == amt("subtotalPriceSet") + amt("totalShippingPriceSet") + amt(
            "totalTaxSet"
        )
        lines = o["lineItems"]["nodes"]
        gross = sum(
            Decimal(li["originalUnitPriceSet"]["shopMoney"]["amount"]) * li["quantity"] for li in lines
        )
        assert gross - amt("totalDiscountsSet") == amt("subtotalPriceSet")
        assert amt("totalRefundedSet") == sum(
            Decimal(r["totalRefundedSet"]["shopMoney"]["amount"]) for r in o["refunds"]
        )


def test_customers_products_and_shop_shapes(admin: Admin) -> None:
    for query in (CUSTOMERS, PRODUCTS, SHOP_Q):
        body = admin(query)
        assert "errors" not in body, body
        assert check(query, body["data"]) > 0
    shop = admin(SHOP_Q)["data"]["shop"]
    assert shop["myshopifyDomain"] == admin.shop and shop["currencyCode"] == "USD"


def test_node_lookups_and_typed_roots(admin: Admin) -> None:
    ids = [e["node"]["id"] for e in admin(ORDERS)["data"]["orders"]["edges"][:3]]
    cust = admin("{ customers(first: 1) { nodes { id } } }")["data"]["customers"]["nodes"][0]["id"]
    q = """query($ids: [ID!]!, $one: ID!, $c: ID!) { nodes(ids: $ids) { __typename id ... on Order { name } }
      node(id: $one) { id ... on Order { totalPriceSet { shopMoney { amount } } } }
      order(id: $one) { id } customer(id: $c) { id numberOfOrders } product(id: $one) { id } }"""
    body = admin(q, {"ids": [*ids, "gid://shopify/Order/1"], "one": ids[0], "c": cust})
    data = body["data"]
    assert [n["id"] for n in data["nodes"][:3]] == ids and data["nodes"][3] is None
    assert data["nodes"][0]["__typename"] == "Order" and data["nodes"][0]["name"].startswith("#")
    assert data["order"]["id"] == ids[0] and data["product"] is None and data["customer"]["id"] == cust


def test_invalid_and_unsupported_fields_are_errors_not_data(admin: Admin) -> None:
    body = admin("{ orders(first: 1) { nodes { id fooBar } } }")
    assert "data" not in body
    assert body["errors"][0]["message"] == "Field 'fooBar' doesn't exist on type 'Order'"
    assert body["errors"][0]["extensions"]["code"] == "undefinedField"
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 33}]
    body = admin("{ orders(first: 1) { nodes { id riskLevel } } }")
    assert body["errors"][0]["extensions"] == {
        "code": "UNSUPPORTED_FIELD",
        "typeName": "Order",
        "fieldName": "riskLevel",
    }
    body = admin("{ orders(first: 1) { nodes { id ")
    assert body["errors"][0]["extensions"]["code"] == "syntaxError"
    body = admin("{ orders(frist: 1) { nodes { id } } }")
    assert body["errors"][0]["extensions"]["code"] == "argumentNotAccepted"


def test_connection_arguments_are_enforced(admin: Admin) -> None:
    for query in (
        "{ orders(first: 251) { nodes { id } } }",
        "{ orders { nodes { id } } }",
        """{ orders(first: 5, query: "total_price:>5") { nodes { id } } }""",
    ):
        body = admin(query)
        assert body["data"] is None and body["errors"][0]["path"] == ["orders"], body


def test_bad_tokens_get_shopify_401(store: StoreHandle, admin: Admin) -> None:
    response = admin.post("{ shop { name } }", token="shpat_wrong")
    assert response.status_code == 401
    assert response.json() == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }
    token = store.access_token(expiring=True)
    assert admin.post("{ shop { name } }", token=token).status_code == 200
    store.services.tokens.expire(token)
    assert admin.post("{ shop { name } }", token=token).status_code == 401


def test_host_header_selects_the_tenant(store: StoreHandle, admin: Admin) -> None:
    other = Admin(store, store.access_token(OTHER_SHOP), shop=OTHER_SHOP)
    mine = admin("{ shop { myshopifyDomain } orders(first: 1) { nodes { id } } }")["data"]
    theirs = other("{ shop { myshopifyDomain } orders(first: 1) { nodes { id } } }")["data"]
    assert theirs["shop"]["myshopifyDomain"] == OTHER_SHOP
    assert mine["orders"]["nodes"][0]["id"] != theirs["orders"]["nodes"][0]["id"]
    assert other.post("{ shop { name } }", token=admin.token).status_code == 401  # A's token on B
    theirs_id = theirs["orders"]["nodes"][0]["id"]
    assert admin("query($id: ID!) { order(id: $id) { id } }", {"id": theirs_id})["data"]["order"] is None
    plain = httpx.post(
        store.graphql_url(),
        json={"query": "{ shop { myshopifyDomain } }"},
        headers={"X-Shopify-Access-Token": admin.token},
    )
    assert plain.json()["data"]["shop"]["myshopifyDomain"] == admin.shop  # 127.0.0.1 -> default shop
    unknown = httpx.post(
        store.graphql_url(),
        json={"query": "{ shop { name } }"},
        headers={"X-Shopify-Access-Token": admin.token, "Host": "nope.myshopify.com"},
    )
    assert unknown.status_code == 404
