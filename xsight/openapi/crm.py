"""OpenAPI paths and shapes of the CRM lists: customers (list, CSV, profile, timeline) and orders."""

from __future__ import annotations

from xsight.analytics.rfm import GROUPS
from xsight.blueprints.api.customers import EMAIL_STATES
from xsight.blueprints.api.orders import FINANCIAL, FULFILLMENT
from xsight.models.prediction import CHURN_RISKS
from xsight.openapi.common import (
    DAY_PARAM,
    INTEGER,
    NUMBER,
    STRING,
    Schema,
    array,
    csv_ok,
    json_ok,
    nullable,
    obj,
    operation,
    paging,
    path_id,
    query,
    ref,
)
from xsight.services.crm import customer_list, orders, timeline

TAG = "CRM"
MONEY, DATE, DATETIME = ref("Money"), ref("Date"), ref("DateTime")
N_STR, N_INT, N_NUM = nullable(STRING), nullable(INTEGER), nullable(NUMBER)

CUSTOMER_ROW = obj({
    "id": INTEGER, "gid": STRING, "name": N_STR, "email": N_STR, "country": N_STR, "tags": array(STRING),
    "email_subscription_status": N_STR, "amount_spent": nullable(MONEY), "number_of_orders": N_INT,
    "average_order_value": nullable(MONEY), "first_order_date": nullable(DATE),
    "last_order_date": nullable(DATE), "days_since_last_order": N_INT, "rfm_group": N_STR,
    "r_score": N_INT, "f_score": N_INT, "m_score": N_INT, "p_alive": N_NUM, "churn_risk": N_STR,
    "predicted_clv": nullable(MONEY), "expected_next_order_date": nullable(DATE),
    "created_at": nullable(DATETIME)})
ORDER_ROW = obj({
    "id": INTEGER, "gid": STRING, "name": STRING, "processed_at": nullable(DATETIME),
    "customer": nullable(obj({"id": INTEGER, "name": N_STR})), "financial_status": N_STR,
    "fulfillment_status": N_STR, "cancelled_at": nullable(DATETIME), "total_price": MONEY,
    "total_refunded": MONEY, "currency_code": N_STR, "line_item_count": INTEGER})
ORDER_DETAIL = {"allOf": [ref("OrderRow"), obj({
    "subtotal": nullable(MONEY), "total_discounts": nullable(MONEY), "total_shipping": nullable(MONEY),
    "total_tax": nullable(MONEY), "tags": array(STRING),
    "line_items": array(obj({"title": N_STR, "sku": N_STR, "quantity": INTEGER,
                             "original_unit_price": nullable(MONEY), "total_discount": nullable(MONEY),
                             "product_gid": N_STR, "variant_gid": N_STR})),
    "refunds": array(obj({"processed_at": nullable(DATETIME), "note": N_STR,
                          "total_refunded": nullable(MONEY),
                          "line_items": array(obj({"line_item_gid": N_STR, "quantity": INTEGER,
                                                   "subtotal": nullable(MONEY)}))}))})]}
PROFILE = obj({
    "customer": {"allOf": [ref("CustomerRow"), obj({"first_name": N_STR, "last_name": N_STR,
                                                     "phone": N_STR, "state": N_STR})]},
    "stats": obj({"gross_sales": MONEY, "discounts": MONEY, "returns": MONEY, "net_sales": MONEY,
                  "orders": INTEGER}),
    "predictions": nullable(obj({"p_alive": N_NUM, "churn_risk": N_STR, "expected_orders_30d": N_NUM,
                                 "expected_orders_90d": N_NUM, "predicted_clv": nullable(MONEY),
                                 "expected_next_order_date": nullable(DATE), "model_run_id": N_INT,
                                 "computed_at": nullable(DATETIME)})),
    "predictions_reason": N_STR, "orders": array(ref("OrderRow")),
    "products": array(obj({"product_gid": N_STR, "title": N_STR, "quantity": INTEGER, "orders": INTEGER})),
    "segments": array(obj({"id": INTEGER, "name": STRING, "entered_at": nullable(DATETIME)})),
    "currency": ref("Currency")})
TIMELINE = obj({"events": array(obj({"kind": {"type": "string", "enum": list(timeline.KINDS)},
                                     "occurred_at": DATETIME, "title": STRING,
                                     "data": {"type": "object"}})),
                "next_cursor": ref("Cursor")})

SCHEMAS: dict[str, Schema] = {
    "CustomerRow": CUSTOMER_ROW, "OrderRow": ORDER_ROW,
    "CustomerPage": obj({"customers": array(ref("CustomerRow")), "total": {
        **INTEGER, "description": "The exact count of all matches. GET /customers counts a filter once per "
                                  "change to the shop's customer data and reuses that count on later pages."},
                         "next_cursor": ref("Cursor"), "currency": ref("Currency")}),
}


def _comma(name: str, values: tuple[str, ...] | None, what: str) -> Schema:
    allowed = f" of {', '.join(values)}" if values else ""
    return query(name, STRING, f"A comma list{allowed}: {what}.")


def customer_filters() -> list[Schema]:
    """Return the query parameters that filter the customer list and its export."""
    day = DAY_PARAM
    amount = {"type": "string", "pattern": r"^-?\d+(\.\d{1,4})?$"}
    return [query("q", {"type": "string", "maxLength": 200}, "Name or email contains (case-insensitive)."),
            _comma("rfm_group", GROUPS, "RFM groups"), _comma("churn_risk", CHURN_RISKS, "churn risks"),
            query("p_alive_min", {"type": "number", "minimum": 0, "maximum": 1}, "Lowest P(alive)."),
            query("p_alive_max", {"type": "number", "minimum": 0, "maximum": 1}, "Highest P(alive)."),
            query("clv_min", amount, "Lowest predicted CLV."),
            query("clv_max", amount, "Highest predicted CLV."),
            _comma("country", None, "country codes"), _comma("tag", None, "tags, all must be present"),
            query("spent_min", amount, "Lowest amount spent."),
            query("spent_max", amount, "Highest amount spent."),
            query("orders_min", {"type": "integer", "minimum": 0}, "Fewest orders."),
            query("orders_max", {"type": "integer", "minimum": 0}, "Most orders."),
            query("first_order_from", day, "First order on or after."),
            query("first_order_to", day, "First order on or before."),
            query("last_order_from", day, "Last order on or after."),
            query("last_order_to", day, "Last order on or before."),
            _comma("email_subscription_status", EMAIL_STATES, "email states"),
            query("segment_id", {"type": "integer", "minimum": 1},
                  "Only current members of this segment (404 when the shop has no such segment).")]


CUSTOMER_SORT = {"type": "string", "enum": list(customer_list.SORT_KINDS)}
ORDER_FILTERS = [
    query("from", DAY_PARAM, "Processed on or after this shop-local day."),
    query("to", DAY_PARAM, "Processed on or before this shop-local day."),
    _comma("financial_status", FINANCIAL, "financial statuses"),
    _comma("fulfillment_status", FULFILLMENT, "fulfillment statuses"),
    query("min_total", {"type": "string", "pattern": r"^-?\d+(\.\d{1,4})?$"}, "Lowest total."),
    query("max_total", {"type": "string", "pattern": r"^-?\d+(\.\d{1,4})?$"}, "Highest total."),
    query("customer_id", {"type": "integer", "minimum": 1}, "Only this customer's orders.")]

PATHS: dict[str, Schema] = {
    "/customers": {"get": operation(
        "One page of customers matching the filters, sorted, with the total.", TAG,
        {"200": json_ok(ref("CustomerPage"))}, errors=("400", "404"),
        parameters=customer_filters() + paging(CUSTOMER_SORT, "amount_spent"))},
    "/customers/export.csv": {"get": operation(
        "Every customer matching the filters as streamed CSV.", TAG,
        {"200": csv_ok("UTF-8 CSV with a header row; formula-like cells prefixed with '.")},
        errors=("400", "404"), parameters=customer_filters())},
    "/customers/{customer_id}": {"get": operation(
        "One customer's profile: row, stats, predictions, recent orders, products, segments.", TAG,
        {"200": json_ok(PROFILE)}, errors=("404",), parameters=[path_id("customer_id", "customer")])},
    "/customers/{customer_id}/timeline": {"get": operation(
        "One page of a customer's timeline, newest first.", TAG, {"200": json_ok(TIMELINE)},
        errors=("400", "404"), parameters=[path_id("customer_id", "customer"),
                                           *paging(STRING, "occurred_at")[2:]])},
    "/orders": {"get": operation(
        "One page of orders matching the filters, with the total.", TAG,
        {"200": json_ok(obj({"orders": array(ref("OrderRow")), "total": INTEGER,
                             "next_cursor": ref("Cursor"), "currency": ref("Currency")}))},
        errors=("400",), parameters=ORDER_FILTERS + paging(
            {"type": "string", "enum": list(orders.SORT_KINDS)}, "processed_at"))},
    "/orders/{order_id}": {"get": operation(
        "One order with its line items and refunds.", TAG,
        {"200": json_ok(obj({"order": ORDER_DETAIL, "currency": ref("Currency")}, required=["order"]))},
        errors=("404",), parameters=[path_id("order_id", "order")])},
}
