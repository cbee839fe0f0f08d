"""Customers: the filtered, sorted list, its CSV export, a profile and a timeline."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, g, jsonify, stream_with_context
from flask.typing import ResponseReturnValue

from xsight.analytics.rfm import GROUPS
from xsight.blueprints.api import bp
from xsight.blueprints.api import list_params as p
from xsight.models.prediction import CHURN_RISKS
from xsight.services.access_log import record_customer_data
from xsight.services.crm import customer_list, customer_profile, export, timeline
from xsight.services.crm.customer_filters import CustomerFilters, conditions, count_query, total_key
from xsight.services.crm.facts import customer_facts

EMAIL_STATES = ("subscribed", "not_subscribed", "unsubscribed", "pending", "redacted", "invalid")


def parse_filters() -> CustomerFilters:
    """Return the validated filters of the customer list from the query string."""
    f = CustomerFilters(
        q=p.text("q"), rfm_group=p.comma_list("rfm_group", GROUPS, upper=True),
        churn_risk=p.comma_list("churn_risk", CHURN_RISKS, lower=True),
        p_alive_min=p.number("p_alive_min", 0, 1), p_alive_max=p.number("p_alive_max", 0, 1),
        clv_min=p.amount("clv_min"), clv_max=p.amount("clv_max"),
        country=p.comma_list("country", upper=True), tag=p.comma_list("tag"),
        spent_min=p.amount("spent_min"), spent_max=p.amount("spent_max"),
        orders_min=p.count("orders_min"), orders_max=p.count("orders_max"),
        first_order_from=p.day("first_order_from"), first_order_to=p.day("first_order_to"),
        last_order_from=p.day("last_order_from"), last_order_to=p.day("last_order_to"),
        email_subscription_status=p.comma_list("email_subscription_status", EMAIL_STATES, lower=True),
        segment_id=p.identifier("segment_id"))
    for low, high in (("p_alive_min", "p_alive_max"), ("clv_min", "clv_max"), ("spent_min", "spent_max"),
                      ("orders_min", "orders_max"), ("first_order_from", "first_order_to"),
                      ("last_order_from", "last_order_to")):
        p.ordered(low, getattr(f, low), high, getattr(f, high))
    return f


@bp.get("/customers")
def list_customers() -> ResponseReturnValue:
    """Return one page of customers matching the filters, sorted, with the total."""
    filters = parse_filters()
    sort, direction, limit, after = p.paging("amount_spent")
    facts = customer_facts(g.shop.id)
    body = customer_list.page(g.shop, facts, conditions(g.shop, facts, filters), sort=sort,
                              direction=direction, limit=limit, after=after, total_key=total_key(filters),
                              count=count_query(g.shop, facts, filters))
    record_customer_data(len(body["customers"]))
    return jsonify(body)


@bp.get("/customers/export.csv")
def export_customers() -> ResponseReturnValue:
    """Stream every customer matching the filters as CSV."""
    facts = customer_facts(g.shop.id)
    where = conditions(g.shop, facts, parse_filters())
    record_customer_data(export.count(facts, where))
    name = f"customers-{datetime.now(UTC):%Y%m%d-%H%M%S}.csv"
    return Response(stream_with_context(export.stream_csv(g.shop, facts, where)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/customers/<int:customer_id>")
def get_customer(customer_id: int) -> ResponseReturnValue:
    """Return one customer's profile."""
    body = customer_profile.profile(g.shop, customer_id)
    record_customer_data(1)
    return jsonify(body)


@bp.get("/customers/<int:customer_id>/timeline")
def get_timeline(customer_id: int) -> ResponseReturnValue:
    """Return one page of a customer's timeline, newest first."""
    _, _, limit, after = p.paging("occurred_at")
    body = timeline.timeline(g.shop, customer_id, limit=limit, after=after)
    record_customer_data(1)
    return jsonify(body)
