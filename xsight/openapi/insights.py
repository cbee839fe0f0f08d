"""OpenAPI paths and shapes of the shop, its sync runs, the dashboard and the analytics pages."""

from __future__ import annotations

from xsight.blueprints.api.analytics import MAX_MONTHS
from xsight.blueprints.api.dashboard import MAX_TOP
from xsight.models.sync_run import SYNC_STATUSES
from xsight.openapi.common import (
    ANY_OBJECT,
    BOOLEAN,
    DAY_PARAM,
    INTEGER,
    NUMBER,
    STRING,
    Schema,
    array,
    json_ok,
    nullable,
    obj,
    operation,
    path_id,
    query,
    ref,
)

N_STR, N_INT, N_NUM = nullable(STRING), nullable(INTEGER), nullable(NUMBER)
DATE, MONEY = ref("Date"), ref("Money")
STATUS = {"type": "string", "description": "ok when computed; otherwise why not (e.g. not_computed)."}

SYNC_RUN = obj({
    "id": INTEGER, "sync_run_id": INTEGER, "kind": STRING, "status": {"type": "string",
                                                                      "enum": list(SYNC_STATUSES)},
    "step": N_STR, "processed": INTEGER, "total": N_INT, "percent": N_NUM, "eta_seconds": N_NUM,
    "created_at": N_STR, "started_at": N_STR, "finished_at": N_STR, "error": N_STR})
SHOP = obj({
    "domain": STRING, "name": N_STR, "email": N_STR, "currency": N_STR, "iana_timezone": N_STR,
    "plan": N_STR, "installed": BOOLEAN, "installed_at": N_STR, "uninstalled_at": N_STR,
    "scopes": array(STRING),
    "last_sync": nullable(obj({"id": INTEGER, "kind": STRING, "status": STRING, "started_at": N_STR,
                               "finished_at": N_STR}))})
MODEL_RUN = obj({"id": INTEGER, "status": STRING, "reason": N_STR, "started_at": STRING,
                 "finished_at": N_STR, "observation_end": N_STR, "customers": N_INT,
                 "repeat_buyers": N_INT, "params": nullable(ANY_OBJECT), "log_likelihood": N_NUM})
KPI = obj({"value": {"type": ["string", "number", "integer"]},
           "previous": {"type": ["string", "number", "integer"]}, "change_pct": N_NUM})
DAY = obj({"date": DATE, "orders": INTEGER, "net_sales": MONEY, "gross_sales": MONEY})
RANGE = obj({"start": DATE, "end": DATE})
DASHBOARD = obj({
    "range": RANGE, "previous_range": RANGE, "currency": N_STR,
    "kpis": {"type": "object", "additionalProperties": KPI}, "by_day": array(DAY),
    "previous_by_day": array(DAY),
    "top_customers": array(obj({"id": N_INT, "name": N_STR, "email": N_STR, "orders": INTEGER,
                                "net_sales": MONEY}))})


def _insight(**fields: Schema) -> Schema:
    """Return an analytics body: status, reason, the model run it came from, and its own fields."""
    return obj({"status": STATUS, "reason": N_STR, "model_run": nullable(ref("ModelRun")), **fields},
               required=["status", "reason", "model_run"])


ANY_LIST = array({})
SCHEMAS: dict[str, Schema] = {"SyncRun": SYNC_RUN, "ModelRun": MODEL_RUN}
TAG = "Insights"

PATHS: dict[str, Schema] = {
    "/shop": {"get": operation(
        "The current shop: domain, name, currency, time zone, plan, install state, last sync.",
        "Shop", {"200": json_ok(SHOP)})},
    "/sync/runs": {"get": operation(
        "The shop's latest sync runs, newest first.", "Shop",
        {"200": json_ok(obj({"runs": array(ref("SyncRun"))}))}, errors=("400",),
        parameters=[query("limit", {"type": "integer", "minimum": 1, "maximum": 100},
                          "How many runs (default 20).")])},
    "/sync/runs/{run_id}": {"get": operation(
        "One sync run of the shop.", "Shop", {"200": json_ok(obj({"run": ref("SyncRun")}))},
        errors=("404",), parameters=[path_id("run_id", "sync run")])},
    "/sync": {"post": operation(
        "Start an incremental or full sync (a backfill when the shop was never backfilled).", "Shop",
        {"202": json_ok(obj({"run": ref("SyncRun")}), "Started")}, errors=("400", "409"),
        body=obj({"kind": {"type": "string", "enum": ["incremental", "full"]}}, required=[]))},
    "/dashboard": {"get": operation(
        "KPIs with the previous period, series by day and top customers for [start, end].", TAG,
        {"200": json_ok(DASHBOARD)}, errors=("400",),
        parameters=[query("start", DAY_PARAM, "First day (default end - 29)."),
                    query("end", DAY_PARAM, "Last day (default today)."),
                    query("top", {"type": "integer", "minimum": 0, "maximum": MAX_TOP},
                          "How many top customers (default 5).")])},
    "/analytics/rfm": {"get": operation(
        "RFM group sizes, shares, average net sales and recency, and the R x FM grid.", TAG,
        {"200": json_ok(_insight(groups=ANY_LIST, grid=nullable(ANY_OBJECT), customers=INTEGER))})},
    "/analytics/cohorts": {"get": operation(
        "First-order-month cohorts: sizes, retention (null when censored), cumulative net sales.", TAG,
        {"200": json_ok(_insight(cohorts=ANY_LIST, sizes=ANY_LIST, retention=ANY_LIST,
                                 cumulative_net_sales_per_customer=ANY_LIST))}, errors=("400",),
        parameters=[query("months", {"type": "integer", "minimum": 1, "maximum": MAX_MONTHS},
                          "How many cohorts (default 12).")])},
    "/analytics/predictions": {"get": operation(
        "P(alive) and CLV distributions, churn-risk bands and valuable customers at risk.", TAG,
        {"200": json_ok(_insight(distributions=nullable(ANY_OBJECT), at_risk=array(obj({
            "id": INTEGER, "name": N_STR, "email": N_STR, "clv_12m": MONEY, "p_alive": N_NUM,
            "expected_90d": N_NUM, "orders": N_INT, "net_sales": MONEY}))))})},
    "/analytics/model-quality": {"get": operation(
        "The holdout check: predicted vs actual repeat orders next to a naive baseline.", TAG,
        {"200": json_ok(_insight())})},
}
