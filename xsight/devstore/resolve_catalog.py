"""Resolve Shop, Customer, Product and ProductVariant from the store's documents."""

from __future__ import annotations

import json
from typing import Any

from .catalog import COUNTRIES
from .pagination import paginate_list, paginate_table
from .registry import register, tag
from .values import api_ts, cents_str, gid


def _money(i: Any, cents: int) -> dict[str, Any]:
    return {"amount": cents_str(cents), "currencyCode": i.context.shop_doc["currencyCode"]}


def order_obj(row: Any) -> dict[str, Any]:
    """Turn an orders-table row (id, sort value, doc) into an Order source."""
    return tag(json.loads(row[2]), "Order")


def _customer_orders(c: dict[str, Any], i: Any, **a: Any) -> dict[str, Any]:
    ctx = i.context
    return paginate_table(
        ctx.storage,
        "orders",
        ctx.shop,
        a,
        ("updated_at", "created_at", "processed_at"),
        order_obj,
        extra=("customer_id = ?", [c["id"]]),
    )


def _address(c: dict[str, Any], _i: Any) -> dict[str, Any]:
    _, _, _, _, province, city = COUNTRIES[c["country"]]
    return {
        "__typename": "MailingAddress",
        "id": gid("MailingAddress", c["id"]),
        "firstName": c["firstName"],
        "lastName": c["lastName"],
        "name": f"{c['firstName']} {c['lastName']}",
        "address1": "1 Main Street",
        "address2": None,
        "city": city,
        "province": province,
        "provinceCode": province,
        "country": c["country"],
        "countryCodeV2": c["country"],
        "zip": "10001",
        "phone": c["phone"],
        "company": None,
    }


register(
    "Customer",
    {
        "id": lambda c, i: gid("Customer", c["id"]),
        "legacyResourceId": lambda c, i: str(c["id"]),
        "firstName": lambda c, i: c["firstName"],
        "lastName": lambda c, i: c["lastName"],
        "displayName": lambda c, i: f"{c['firstName']} {c['lastName']}".strip() or c["email"],
        "defaultEmailAddress": lambda c, i: (
            None
            if not c["email"]
            else {
                "emailAddress": c["email"],
                "marketingState": c["marketingState"],
                "validFormat": True,
                "marketingOptInLevel": "SINGLE_OPT_IN" if c["marketingState"] == "SUBSCRIBED" else None,
                "marketingUpdatedAt": None,
            }
        ),
        "defaultPhoneNumber": lambda c, i: (
            None if not c["phone"] else {"phoneNumber": c["phone"], "marketingState": "NOT_SUBSCRIBED"}
        ),
        "defaultAddress": _address,
        "tags": lambda c, i: c["tags"],
        "state": lambda c, i: c["state"],
        "note": lambda c, i: None,
        "verifiedEmail": lambda c, i: True,
        "taxExempt": lambda c, i: False,
        "locale": lambda c, i: "en",
        "createdAt": lambda c, i: api_ts(c["createdAt"]),
        "updatedAt": lambda c, i: api_ts(c["updatedAt"]),
        "amountSpent": lambda c, i: _money(i, c["amountSpent"]),
        "numberOfOrders": lambda c, i: str(c["numberOfOrders"]),
        "orders": _customer_orders,
    },
)
register(
    "CustomerEmailAddress",
    {
        k: (lambda key: lambda e, i: e[key])(k)
        for k in (
            "emailAddress",
            "marketingState",
            "validFormat",
            "marketingOptInLevel",
            "marketingUpdatedAt",
        )
    },
)
register(
    "CustomerPhoneNumber",
    {k: (lambda key: lambda e, i: e[key])(k) for k in ("phoneNumber", "marketingState")},
)
register(
    "MailingAddress",
    {
        k: (lambda key: lambda e, i: e[key])(k)
        for k in (
            "id",
            "firstName",
            "lastName",
            "name",
            "address1",
            "address2",
            "city",
            "province",
            "provinceCode",
            "country",
            "countryCodeV2",
            "zip",
            "phone",
            "company",
        )
    },
)


def _variants(p: dict[str, Any], _i: Any, **a: Any) -> dict[str, Any]:
    a.pop("sortKey", None)
    return paginate_list([tag({**v, "_p": p}, "ProductVariant") for v in p["variants"]], a)


register(
    "Product",
    {
        "id": lambda p, i: gid("Product", p["id"]),
        "legacyResourceId": lambda p, i: str(p["id"]),
        "title": lambda p, i: p["title"],
        "handle": lambda p, i: p["handle"],
        "vendor": lambda p, i: p["vendor"],
        "productType": lambda p, i: p["productType"],
        "status": lambda p, i: p["status"],
        "tags": lambda p, i: p["tags"],
        "isGiftCard": lambda p, i: p["isGiftCard"],
        "createdAt": lambda p, i: api_ts(p["createdAt"]),
        "updatedAt": lambda p, i: api_ts(p["updatedAt"]),
        "variants": _variants,
    },
)
register(
    "ProductVariant",
    {
        "id": lambda v, i: gid("ProductVariant", v["id"]),
        "legacyResourceId": lambda v, i: str(v["id"]),
        "title": lambda v, i: v["title"],
        "sku": lambda v, i: v["sku"],
        "price": lambda v, i: cents_str(v["price"]),
        "displayName": lambda v, i: f"{v['_p']['title']} - {v['title']}",
        "product": lambda v, i: v["_p"],
        "position": lambda v, i: 1 + [x["id"] for x in v["_p"]["variants"]].index(v["id"]),
    },
)


def _plan(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "displayName": s["plan"],
        "publicDisplayName": s["plan"],
        "partnerDevelopment": True,
        "shopifyPlus": s["plan"] == "Shopify Plus",
    }


register(
    "Shop",
    {
        "id": lambda s, i: gid("Shop", s["id"]),
        "name": lambda s, i: s["name"],
        "email": lambda s, i: s["email"],
        "contactEmail": lambda s, i: s["email"],
        "currencyCode": lambda s, i: s["currencyCode"],
        "ianaTimezone": lambda s, i: s["ianaTimezone"],
        "myshopifyDomain": lambda s, i: s["myshopifyDomain"],
        "plan": lambda s, i: _plan(s),
        "createdAt": lambda s, i: api_ts(s["createdAt"]),
        "enabledPresentmentCurrencies": lambda s, i: sorted({c[2] for c in COUNTRIES.values()}),
    },
)
