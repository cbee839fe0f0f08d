"""Orders: the filtered list (shop-local dates) and one order with its lines and refunds."""

from __future__ import annotations

from flask import g, jsonify
from flask.typing import ResponseReturnValue

from xsight.blueprints.api import bp
from xsight.blueprints.api import list_params as p
from xsight.services.access_log import record_customer_data
from xsight.services.crm import orders
from xsight.services.crm.orders import OrderFilters

FINANCIAL = ("authorized", "expired", "paid", "partially_paid", "partially_refunded", "pending",
             "refunded", "voided")
# GraphQL display statuses, lower-cased, and "partial" as REST webhooks spell it.
FULFILLMENT = ("fulfilled", "in_progress", "on_hold", "open", "partial", "partially_fulfilled",
               "pending_fulfillment", "request_declined", "restocked", "scheduled", "unfulfilled")


@bp.get("/orders")
def list_orders() -> ResponseReturnValue:
    """Return one page of orders matching the filters, with the total."""
    f = OrderFilters(start=p.day("from"), end=p.day("to"),
                     financial_status=p.comma_list("financial_status", FINANCIAL, lower=True),
                     fulfillment_status=p.comma_list("fulfillment_status", FULFILLMENT, lower=True),
                     min_total=p.amount("min_total"), max_total=p.amount("max_total"),
                     customer_id=p.identifier("customer_id"))
    p.ordered("from", f.start, "to", f.end)
    p.ordered("min_total", f.min_total, "max_total", f.max_total)
    sort, direction, limit, after = p.paging("processed_at")
    body = orders.page(g.shop, f, sort=sort, direction=direction, limit=limit, after=after)
    record_customer_data(len({o["customer"]["id"] for o in body["orders"] if o["customer"]}))
    return jsonify(body)


@bp.get("/orders/<int:order_id>")
def get_order(order_id: int) -> ResponseReturnValue:
    """Return one order with its line items and refunds."""
    body = orders.detail(g.shop, order_id)
    record_customer_data(1 if body["order"]["customer"] else 0)
    return jsonify(body)
