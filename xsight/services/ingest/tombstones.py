"""Deleted orders stay deleted: record `orders/delete`, and undo any later write of such an order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, scoped_session

from xsight.models import DeletedOrder, Order


def bury(session: Session | scoped_session[Any], shop_id: int, order_gid: str) -> None:
    """Delete the order (its lines and refunds go with it) and remember that it was deleted."""
    session.execute(delete(Order).where(Order.shop_id == shop_id, Order.shopify_gid == order_gid))
    known = session.scalar(select(DeletedOrder.id).where(
        DeletedOrder.shop_id == shop_id, DeletedOrder.shopify_gid == order_gid))
    if known is None:
        session.add(DeletedOrder(shop_id=shop_id, shopify_gid=order_gid))
        session.flush()


def is_buried(session: Session | scoped_session[Any], shop_id: int, order_gid: str | None) -> bool:
    """True when Shopify deleted this order: a write of it (a late webhook) is to be ignored."""
    return order_gid is not None and session.scalar(select(DeletedOrder.id).where(
        DeletedOrder.shop_id == shop_id, DeletedOrder.shopify_gid == order_gid)) is not None


def purge(session: Session | scoped_session[Any], shop_id: int) -> None:
    """Remove the shop's orders that Shopify deleted but a stale sync page wrote again."""
    buried = select(DeletedOrder.shopify_gid).where(DeletedOrder.shop_id == shop_id)
    session.execute(delete(Order).where(Order.shop_id == shop_id, Order.shopify_gid.in_(buried)))
