"""Segments: CRUD, preview, text form, members, CSV export, refresh and tag write-back runs."""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify, request, stream_with_context
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from xsight.blueprints.api import bp
from xsight.blueprints.api.params import whole_number
from xsight.errors import BadRequest
from xsight.extensions import db
from xsight.models import SegmentMembership, SegmentTagRun
from xsight.services.access_log import record_customer_data
from xsight.services.crm import customer_list, export
from xsight.services.crm.facts import customer_facts
from xsight.services.segments import fields, query, store, tagging, templates, text, tree
from xsight.tasks.segments import queue_tag_run, refresh_segment, write_segment_tags

SAMPLE_SIZE = 20


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return body


@bp.get("/segments")
def list_segments() -> ResponseReturnValue:
    """Return the shop's segments with counts, count history and the last tag run."""
    segments = db.session.scalars(select(store.Segment).where(store.Segment.shop_id == g.shop.id)
                                  .order_by(store.Segment.name, store.Segment.id))
    return jsonify({"segments": [store.to_json(s) for s in segments]})


@bp.get("/segments/templates")
def list_templates() -> ResponseReturnValue:
    """Return the built-in templates with their rules and text form."""
    return jsonify({"templates": templates.all_templates()})


@bp.get("/segments/fields")
def list_fields() -> ResponseReturnValue:
    """Return every rule field with its kind, operators and allowed values."""
    return jsonify({"fields": fields.describe()})


@bp.post("/segments/parse")
def parse_query() -> ResponseReturnValue:
    """Turn segment text into a rule tree (400 with the position on bad syntax)."""
    raw = _body().get("query")
    if not isinstance(raw, str):
        raise BadRequest("query must be a text.")
    return jsonify({"rules": text.parse(raw)})


@bp.post("/segments/format")
def format_rules() -> ResponseReturnValue:
    """Turn a rule tree into segment text."""
    rules = tree.canonical(_body().get("rules"))
    return jsonify({"rules": rules, "query": text.format_rules(rules)})


@bp.post("/segments/preview")
def preview() -> ResponseReturnValue:
    """Count the customers a rule selects and show a sample of 20, without saving anything."""
    rules = store.rules_from(_body())
    facts, where = query.condition(g.shop, rules)
    result = customer_list.page(g.shop, facts, [where], sort="amount_spent", direction="desc",
                                limit=SAMPLE_SIZE, after=None)
    record_customer_data(len(result["customers"]))
    return jsonify({"count": result["total"], "sample": result["customers"], "rules": rules,
                    "query": text.format_rules(rules), "currency": result["currency"]})


@bp.post("/segments")
def create_segment() -> ResponseReturnValue:
    """Create a segment and compute its members."""
    segment = store.create(g.shop, _body())
    refresh_segment(segment.id)
    db.session.refresh(segment)
    return jsonify({"segment": store.to_json(segment)}), 201


@bp.get("/segments/<int:segment_id>")
def get_segment(segment_id: int) -> ResponseReturnValue:
    """Return one segment."""
    return jsonify({"segment": store.to_json(store.get(g.shop, segment_id))})


@bp.patch("/segments/<int:segment_id>")
def update_segment(segment_id: int) -> ResponseReturnValue:
    """Change a segment; members are recomputed and tags rewritten when write-back is on or turned off."""
    before = store.get(g.shop, segment_id).tag_writeback
    segment = store.update(g.shop, segment_id, _body())
    refresh_segment(segment.id)
    if segment.tag_writeback != before:  # turned on: tag members; turned off: remove the tag
        queue_tag_run(segment.id)
    db.session.refresh(segment)
    return jsonify({"segment": store.to_json(segment)})


@bp.delete("/segments/<int:segment_id>")
def delete_segment(segment_id: int) -> ResponseReturnValue:
    """Delete a segment and its membership history."""
    store.delete(g.shop, segment_id)
    return "", 204


@bp.post("/segments/<int:segment_id>/refresh")
def refresh(segment_id: int) -> ResponseReturnValue:
    """Queue a refresh of the segment's members."""
    segment = store.get(g.shop, segment_id)
    refresh_segment(segment.id)
    return jsonify({"queued": True}), 202


@bp.get("/segments/<int:segment_id>/members")
def members(segment_id: int) -> ResponseReturnValue:
    """Return the segment's current members, sortable and keyset-paginated."""
    segment = store.get(g.shop, segment_id)
    facts, where = _members(segment.id)
    result = customer_list.page(g.shop, facts, [where], sort=request.args.get("sort", "amount_spent"),
                                direction=request.args.get("direction", "desc"),
                                limit=whole_number("limit", 50, 1, 250), after=request.args.get("after"))
    record_customer_data(len(result["customers"]))
    return jsonify(result)


@bp.get("/segments/<int:segment_id>/export.csv")
def export_members(segment_id: int) -> ResponseReturnValue:
    """Stream the segment's current members as CSV."""
    segment = store.get(g.shop, segment_id)
    facts, where = _members(segment.id)
    record_customer_data(segment.member_count)
    return Response(stream_with_context(export.stream_csv(g.shop, facts, [where])), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="segment-{segment.slug}.csv"'})


@bp.get("/segments/<int:segment_id>/tag-runs")
def tag_runs(segment_id: int) -> ResponseReturnValue:
    """Return the segment's last 20 tag write-back runs, newest first."""
    segment = store.get(g.shop, segment_id)
    runs = db.session.scalars(select(SegmentTagRun).where(SegmentTagRun.segment_id == segment.id)
                              .order_by(SegmentTagRun.started_at.desc(), SegmentTagRun.id.desc()).limit(20))
    return jsonify({"runs": [store.tag_run_json(r) for r in runs]})


@bp.post("/segments/<int:segment_id>/tag-runs")
def start_tag_run(segment_id: int) -> ResponseReturnValue:
    """Start a tag write-back now (409 while one is running)."""
    segment = store.get(g.shop, segment_id)
    run = tagging.start(segment)
    write_segment_tags(run.id)
    db.session.refresh(run)
    return jsonify({"run": store.tag_run_json(run)}), 202


def _members(segment_id: int) -> tuple[Any, Any]:
    facts = customer_facts(g.shop.id)
    active = select(SegmentMembership.customer_id).where(
        SegmentMembership.shop_id == g.shop.id, SegmentMembership.segment_id == segment_id,
        SegmentMembership.left_at.is_(None))
    return facts, facts.c.customer_id.in_(active)
