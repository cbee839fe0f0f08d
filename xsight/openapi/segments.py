"""OpenAPI paths and shapes of segments: CRUD, preview, text form, members, CSV, refresh and tag runs."""

from __future__ import annotations

from xsight.models.segment import TAG_RUN_STATUSES
from xsight.openapi.common import (
    BOOLEAN,
    INTEGER,
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
    ref,
)
from xsight.openapi.crm import CUSTOMER_SORT

TAG = "Segments"
DATETIME = ref("DateTime")
SEGMENT_ID = [path_id("segment_id", "segment")]

RULE = {"description": "A group {op: and|or, children}, a negation {op: not, children: [node]} or a "
                       "leaf {field, op, value}; fields and operators are listed by GET /segments/fields.",
        "type": "object", "properties": {"op": STRING, "field": STRING, "value": {},
                                         "children": array(ref("Rule"))},
        "required": ["op"]}
TAG_RUN = obj({"id": INTEGER, "tag": STRING, "status": {"type": "string", "enum": list(TAG_RUN_STATUSES)},
               "started_at": nullable(DATETIME), "finished_at": nullable(DATETIME), "to_add": INTEGER,
               "to_remove": INTEGER, "added": INTEGER, "removed": INTEGER, "failed": INTEGER,
               "error": nullable(STRING)})
SEGMENT = obj({
    "id": INTEGER, "name": STRING, "slug": STRING, "description": nullable(STRING), "rules": ref("Rule"),
    "query": STRING, "template": nullable(STRING), "tag_writeback": BOOLEAN, "tag": STRING,
    "member_count": INTEGER, "count_history": array(obj({"at": STRING, "count": INTEGER})),
    "refreshed_at": nullable(STRING), "created_at": nullable(STRING), "updated_at": nullable(STRING),
    "last_tag_run": nullable(ref("TagRun"))})
CONDITIONS = {"rules": ref("Rule"),
              "query": {"type": "string", "description": "Segment text, e.g. amount_spent > 100."}}
NEW_SEGMENT = obj({"name": STRING, "description": nullable(STRING), **CONDITIONS, "tag_writeback": BOOLEAN,
                   "template": {"type": "string",
                                "description": "A template key from GET /segments/templates."}},
                  required=[])
CHANGE = obj({"name": STRING, "description": nullable(STRING), **CONDITIONS, "tag_writeback": BOOLEAN},
             required=[])
ONE = obj({"segment": ref("Segment")})

SCHEMAS: dict[str, Schema] = {"Rule": RULE, "TagRun": TAG_RUN, "Segment": SEGMENT}


def _op(summary: str, ok: dict[str, Schema], errors: tuple[str, ...] = (), **kw: object) -> Schema:
    return operation(summary, TAG, ok, errors=errors, **kw)  # type: ignore[arg-type]


PATHS: dict[str, Schema] = {
    "/segments": {
        "get": _op("The shop's segments with counts, count history and the last tag run.",
                   {"200": json_ok(obj({"segments": array(ref("Segment"))}))}),
        "post": _op("Create a segment (from rules, query or a template) and compute its members.",
                    {"201": json_ok(ONE, "Created")}, ("400",), body=NEW_SEGMENT)},
    "/segments/templates": {"get": _op("The built-in templates with their rules and text form.", {
        "200": json_ok(obj({"templates": array(obj({"key": STRING, "name": STRING, "description": STRING,
                                                    "rules": ref("Rule"), "query": STRING}))}))})},
    "/segments/fields": {"get": _op("Every rule field with its kind, operators and allowed values.", {
        "200": json_ok(obj({"fields": array(obj({"name": STRING, "label": STRING, "kind": STRING,
                                                 "ops": array(STRING), "values": array(STRING)}))}))})},
    "/segments/parse": {"post": _op(
        "Turn segment text into a rule tree (400 `invalid_query` with `position` on bad syntax).",
        {"200": json_ok(obj({"rules": ref("Rule")}))}, ("400",),
        body=obj({"query": CONDITIONS["query"]}))},
    "/segments/format": {"post": _op(
        "Turn a rule tree into segment text (400 `invalid_rules` with `path`).",
        {"200": json_ok(obj({"rules": ref("Rule"), "query": STRING}))}, ("400",),
        body=obj({"rules": ref("Rule")}))},
    "/segments/preview": {"post": _op(
        "Count the customers a rule selects and show a sample of 20, without saving.",
        {"200": json_ok(obj({"count": INTEGER, "sample": array(ref("CustomerRow")), "rules": ref("Rule"),
                             "query": STRING, "currency": ref("Currency")}))}, ("400",),
        body=obj(CONDITIONS, required=[]))},
    "/segments/{segment_id}": {
        "get": _op("One segment.", {"200": json_ok(ONE)}, ("404",), parameters=SEGMENT_ID),
        "patch": _op("Change a segment; members are recomputed (tags rewritten when write-back changes).",
                     {"200": json_ok(ONE)}, ("400", "404"), parameters=SEGMENT_ID, body=CHANGE),
        "delete": _op("Delete a segment and its membership history.", {"204": {"description": "Deleted"}},
                      ("404",), parameters=SEGMENT_ID)},
    "/segments/{segment_id}/refresh": {"post": _op(
        "Queue a refresh of the segment's members.",
        {"202": json_ok(obj({"queued": {"const": True}}), "Queued")}, ("404",), parameters=SEGMENT_ID)},
    "/segments/{segment_id}/members": {"get": _op(
        "The segment's current members, sortable and keyset-paginated.",
        {"200": json_ok(ref("CustomerPage"))}, ("400", "404"),
        parameters=SEGMENT_ID + paging(CUSTOMER_SORT, "amount_spent"))},
    "/segments/{segment_id}/export.csv": {"get": _op(
        "The segment's current members as streamed CSV.", {"200": csv_ok("UTF-8 CSV with a header row.")},
        ("404",), parameters=SEGMENT_ID)},
    "/segments/{segment_id}/tag-runs": {
        "get": _op("The segment's last 20 tag write-back runs, newest first.",
                   {"200": json_ok(obj({"runs": array(ref("TagRun"))}))}, ("404",), parameters=SEGMENT_ID),
        "post": _op("Start a tag write-back now; the run reports Shopify failures in `error`.",
                    {"202": json_ok(obj({"run": ref("TagRun")}), "Started")}, ("404", "409"),
                    parameters=SEGMENT_ID)},
}
