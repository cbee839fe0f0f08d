"""Note on the timeline which fields a `customers/update` webhook changed (names only, never values)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, scoped_session

from xsight.models import Customer, CustomerEvent
from xsight.models.types import utcnow

# Stored column -> the field name the API shows. Shopify's own amount/order-count figures are
# left out: they change with every order and the timeline already shows orders.
TRACKED = {"first_name": "first_name", "last_name": "last_name", "email": "email", "phone": "phone",
           "country_code": "country", "state": "state",
           "email_marketing_state": "email_subscription_status", "tags": "tags"}


def snapshot(session: Session | scoped_session[Any], shop_id: int, gid: str) -> dict[str, Any] | None:
    """Return the tracked fields of a stored customer (None when there is none yet)."""
    c = Customer
    row = session.execute(select(c.id, c.shopify_updated_at, *[getattr(c, f) for f in TRACKED])
                          .where(c.shop_id == shop_id, c.shopify_gid == gid)).mappings().first()
    return dict(row) if row is not None else None


def record_update(session: Session | scoped_session[Any], shop_id: int, gid: str,
                  before: dict[str, Any]) -> bool:
    """Insert a `customer_updated` event if the stored customer changed since `before`; say if it did."""
    after = snapshot(session, shop_id, gid)
    if after is None:
        return False
    changed = [name for column, name in TRACKED.items() if before[column] != after[column]]
    if not changed:
        return False
    data: dict[str, Any] = {"fields": changed}
    if "tags" in changed:  # tags are labels the merchant chose, not personal data
        old, new = set(before["tags"] or []), set(after["tags"] or [])
        data["tags_added"], data["tags_removed"] = sorted(new - old), sorted(old - new)
    session.execute(insert(CustomerEvent).values(
        shop_id=shop_id, customer_id=after["id"], kind="customer_updated",
        occurred_at=after["shopify_updated_at"] or utcnow(), data=data))
    return True
