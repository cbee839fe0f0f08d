"""An Admin API client for one shop, with its token refreshed before expiry and once on a 401."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from xsight import settings_of
from xsight.extensions import db
from xsight.models import Shop
from xsight.services import tokens
from xsight.services.shopify_app import http_client
from xsight.shopify.client import AdminClient


def client_for(shop: Shop, **options: Any) -> AdminClient:
    """Return an AdminClient that fetches (and refreshes) the shop's offline token as needed.

    `options` go to AdminClient (e.g. `max_attempts=1` for a quick check).
    """
    shop_id = shop.id

    def refresh_once() -> None:
        tokens.access_token(shop_id, force_refresh=True)

    return AdminClient(shop.domain, http_client(), token=lambda: tokens.access_token(shop_id),
                       api_version=settings_of(current_app).SHOPIFY_API_VERSION,
                       on_unauthorized=refresh_once, **options)


def refresh_shop_details(shop: Shop, client: AdminClient) -> None:
    """Copy the shop's name, currency, time zone and plan from Shopify."""
    data: dict[str, Any] = client.execute("Shop")["shop"]
    shop.shopify_gid = data.get("id")
    shop.name = data.get("name") or shop.name
    shop.email = data.get("email") or shop.email
    shop.currency = data.get("currencyCode") or shop.currency
    shop.iana_timezone = data.get("ianaTimezone") or shop.iana_timezone
    plan = data.get("plan") or {}
    shop.plan_name = plan.get("displayName") or plan.get("publicDisplayName") or shop.plan_name
    db.session.commit()


def shop_by_id(shop_id: int) -> Shop | None:
    """Return the shop row."""
    return db.session.scalars(select(Shop).where(Shop.id == shop_id)).one_or_none()
