"""Build REST-shaped webhook payloads for customers, products and the shop (app/uninstalled)."""

from __future__ import annotations

from typing import Any

from .catalog import COUNTRIES
from .values import cents_str, gid, rest_ts


def customer_payload(c: dict[str, Any], currency: str) -> dict[str, Any]:
    """Return the customers/create|update payload for a customer document."""
    _, _, _, _, province, city = COUNTRIES[c["country"]]
    return {
        "id": c["id"],
        "created_at": rest_ts(c["createdAt"]),
        "updated_at": rest_ts(c["updatedAt"]),
        "first_name": c["firstName"],
        "last_name": c["lastName"],
        "state": c["state"].lower(),
        "note": None,
        "verified_email": True,
        "multipass_identifier": None,
        "tax_exempt": False,
        "email": c["email"],
        "phone": c["phone"],
        "currency": currency,
        "addresses": [],
        "tax_exemptions": [],
        "tags": ", ".join(c["tags"]),
        "orders_count": c["numberOfOrders"],
        "total_spent": cents_str(c["amountSpent"]),
        "email_marketing_consent": {
            "state": c["marketingState"].lower(),
            "opt_in_level": "single_opt_in",
            "consent_updated_at": None,
        },
        "admin_graphql_api_id": gid("Customer", c["id"]),
        "default_address": {
            "id": c["id"],
            "customer_id": c["id"],
            "first_name": c["firstName"],
            "last_name": c["lastName"],
            "company": None,
            "address1": "1 Main Street",
            "address2": None,
            "city": city,
            "province": province,
            "country": c["country"],
            "zip": "10001",
            "phone": c["phone"],
            "name": f"{c['firstName']} {c['lastName']}",
            "province_code": province,
            "country_code": c["country"],
            "country_name": c["country"],
            "default": True,
        },
    }


def product_payload(p: dict[str, Any]) -> dict[str, Any]:
    """Return the products/create|update payload for a product document."""
    return {
        "admin_graphql_api_id": gid("Product", p["id"]),
        "body_html": "",
        "created_at": rest_ts(p["createdAt"]),
        "handle": p["handle"],
        "id": p["id"],
        "product_type": p["productType"],
        "published_at": rest_ts(p["createdAt"]),
        "template_suffix": None,
        "title": p["title"],
        "updated_at": rest_ts(p["updatedAt"]),
        "vendor": p["vendor"],
        "status": p["status"].lower(),
        "published_scope": "web",
        "tags": ", ".join(p["tags"]),
        "variants": [
            {
                "admin_graphql_api_id": gid("ProductVariant", v["id"]),
                "id": v["id"],
                "price": cents_str(v["price"]),
                "product_id": p["id"],
                "sku": v["sku"],
                "title": v["title"],
                "position": n + 1,
                "taxable": True,
            }
            for n, v in enumerate(p["variants"])
        ],
        "options": [],
        "images": [],
        "image": None,
        "media": [],
        "category": None,
    }


def shop_payload(shop: dict[str, Any]) -> dict[str, Any]:
    """Return the app/uninstalled payload (the Shop object)."""
    return {
        "id": shop["id"],
        "name": shop["name"],
        "email": shop["email"],
        "domain": shop["myshopifyDomain"],
        "myshopify_domain": shop["myshopifyDomain"],
        "currency": shop["currencyCode"],
        "iana_timezone": shop["ianaTimezone"],
        "plan_display_name": shop["plan"],
        "plan_name": "basic",
        "country_code": "US",
        "created_at": rest_ts(shop["createdAt"]),
        "updated_at": None,
    }
