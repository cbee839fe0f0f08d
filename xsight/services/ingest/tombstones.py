"""Deleted stays deleted: record `*/delete`, ignore later writes of that object, undo stale ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, scoped_session

from xsight.models import Customer, DeletedObject, Order, Product
from xsight.models.types import utcnow

AnySession = Session | scoped_session[Any]


def bury(session: AnySession, shop_id: int, gid: str) -> None:
    """Remember that Shopify deleted this object (order, product or customer), once."""
    if not is_buried(session, shop_id, gid):
        session.add(DeletedObject(shop_id=shop_id, shopify_gid=gid))
        session.flush()


def is_buried(session: AnySession, shop_id: int, gid: str | None) -> bool:
    """True when Shopify deleted this object: a write of it (a late webhook) is to be ignored."""
    return gid is not None and session.scalar(select(DeletedObject.id).where(
        DeletedObject.shop_id == shop_id, DeletedObject.shopify_gid == gid)) is not None


def purge(session: AnySession, shop_id: int) -> None:
    """Undo writes of deleted objects by a sync page or export read before the delete arrived.

    Orders go (their lines and refunds with them); products and customers are marked deleted, as a
    delete webhook leaves them.
    """
    buried = select(DeletedObject.shopify_gid).where(DeletedObject.shop_id == shop_id)
    session.execute(delete(Order).where(Order.shop_id == shop_id, Order.shopify_gid.in_(buried)))
    for model in (Product, Customer):
        session.execute(update(model).where(
            model.shop_id == shop_id, model.shopify_gid.in_(buried), model.deleted_at.is_(None))
            .values(deleted_at=utcnow()))
