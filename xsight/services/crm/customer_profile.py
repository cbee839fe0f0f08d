"""One customer at a glance: identity, lifetime stats, predictions, recent orders, products, segments."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from xsight.errors import NotFound
from xsight.extensions import db
from xsight.models import (
    Customer,
    CustomerPrediction,
    CustomerStats,
    Order,
    OrderLineItem,
    Segment,
    SegmentMembership,
    Shop,
)
from xsight.services import insights
from xsight.services.crm.customer_list import money, row_json, timestamp
from xsight.services.crm.facts import customer_facts, source
from xsight.services.crm.orders import order_rows

RECENT_ORDERS = 10
TOP_PRODUCTS = 50
NOT_IN_RUN = ("The latest model run did not score this customer: they had no qualifying order "
              "before it ran.")


def find_customer(shop_id: int, customer_id: int) -> Customer:
    """Return the shop's live customer with this id; anything else is a 404."""
    customer = db.session.scalars(select(Customer).where(
        Customer.shop_id == shop_id, Customer.id == customer_id,
        Customer.deleted_at.is_(None))).one_or_none()
    if customer is None:
        raise NotFound(f"Customer {customer_id} does not exist in this shop.")
    return customer


def profile(shop: Shop, customer_id: int) -> dict[str, Any]:
    """Return the profile of one customer of the shop (404 for anyone else's)."""
    customer = find_customer(shop.id, customer_id)
    facts = customer_facts(shop.id)
    row = db.session.execute(select(facts).where(facts.c.customer_id == customer.id)).first()
    if row is None:  # not materialised yet: read the same columns from their sources
        row = db.session.execute(source(shop.id, Customer.id == customer.id)).one()
    body = row_json(row, shop) | {"first_name": customer.first_name, "last_name": customer.last_name,
                                  "phone": customer.phone, "state": customer.state}
    predictions, reason = _predictions(shop.id, customer)
    return {"customer": body, "stats": _stats(shop.id, customer), "predictions": predictions,
            "predictions_reason": reason, "orders": _orders(shop.id, customer.id),
            "products": _products(shop.id, customer.id), "segments": _segments(shop.id, customer.id),
            "currency": shop.currency}


def _stats(shop_id: int, customer: Customer) -> dict[str, Any]:
    s = db.session.scalars(select(CustomerStats).where(
        CustomerStats.shop_id == shop_id, CustomerStats.customer_key == customer.shopify_gid)).first()
    if s is None:
        return {"gross_sales": "0.00", "discounts": "0.00", "returns": "0.00", "net_sales": "0.00",
                "orders": 0}
    return {"gross_sales": money(s.gross_sales), "discounts": money(s.discounts),
            "returns": money(s.returns), "net_sales": money(s.net_sales), "orders": s.lifetime_orders}


def _predictions(shop_id: int, customer: Customer) -> tuple[dict[str, Any] | None, str | None]:
    run = insights.latest_run(shop_id)
    if run is None:
        return None, insights.NO_RUN
    p = db.session.scalars(select(CustomerPrediction).where(
        CustomerPrediction.shop_id == shop_id, CustomerPrediction.model_run_id == run.id,
        CustomerPrediction.customer_key == customer.shopify_gid)).first()
    if p is None:
        return None, run.error or NOT_IN_RUN
    return {"p_alive": p.p_alive, "churn_risk": p.churn_risk, "expected_orders_30d": p.expected_30d,
            "expected_orders_90d": p.expected_90d,
            "predicted_clv": None if p.clv_12m is None else f"{p.clv_12m:.2f}",
            "expected_next_order_date": p.next_order_at.isoformat() if p.next_order_at else None,
            "model_run_id": run.id, "computed_at": timestamp(run.finished_at or run.started_at)}, None


def _orders(shop_id: int, customer_id: int) -> list[dict[str, Any]]:
    orders = list(db.session.scalars(select(Order).where(
        Order.shop_id == shop_id, Order.customer_id == customer_id)
        .order_by(Order.processed_at.desc(), Order.id.desc()).limit(RECENT_ORDERS)))
    return order_rows(shop_id, orders)


def _products(shop_id: int, customer_id: int) -> list[dict[str, Any]]:
    li, o = OrderLineItem, Order
    quantity = func.sum(li.quantity)
    rows = db.session.execute(
        select(li.product_gid, func.max(li.title), quantity, func.count(func.distinct(li.order_id)))
        .join(o, o.id == li.order_id)
        .where(li.shop_id == shop_id, o.shop_id == shop_id, o.customer_id == customer_id,
               o.cancelled_at.is_(None), li.product_gid.is_not(None))
        .group_by(li.product_gid).order_by(quantity.desc(), li.product_gid).limit(TOP_PRODUCTS)).all()
    return [{"product_gid": gid, "title": title, "quantity": int(qty), "orders": int(n)}
            for gid, title, qty, n in rows]


def _segments(shop_id: int, customer_id: int) -> list[dict[str, Any]]:
    m = SegmentMembership
    rows = db.session.execute(
        select(Segment.id, Segment.name, m.entered_at).join(Segment, Segment.id == m.segment_id)
        .where(m.shop_id == shop_id, Segment.shop_id == shop_id, m.customer_id == customer_id,
               m.left_at.is_(None)).order_by(m.entered_at.desc(), Segment.id)).all()
    return [{"id": sid, "name": name, "entered_at": timestamp(at)} for sid, name, at in rows]
