"""Create, read, update and delete a shop's segments; rules given as a tree or as Shopify text."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import func, select

from xsight.errors import BadRequest, NotFound
from xsight.extensions import db
from xsight.models import Segment, SegmentTagRun, Shop
from xsight.services.segments.templates import template
from xsight.services.segments.text import format_rules, parse
from xsight.services.segments.tree import canonical

MAX_SEGMENTS = 250
TAG_PREFIX = "xsight-"


def rules_from(body: dict[str, Any]) -> dict[str, Any]:
    """Return the canonical tree from a body holding `rules` (a tree) or `query` (Shopify text)."""
    if "rules" in body and body["rules"] is not None:
        return canonical(body["rules"])
    if isinstance(body.get("query"), str):
        return parse(body["query"])
    raise BadRequest("Give the segment's conditions as rules (a tree) or query (segment text).")


def get(shop: Shop, segment_id: int) -> Segment:
    """Return the shop's segment or raise NotFound (another shop's id is not found either)."""
    segment = db.session.scalar(select(Segment).where(Segment.shop_id == shop.id, Segment.id == segment_id))
    if segment is None:
        raise NotFound(f"No segment {segment_id} in this shop.")
    return segment


def create(shop: Shop, body: dict[str, Any]) -> Segment:
    """Create a segment from a body (`name`, `rules` or `query` or `template`, options)."""
    key = body.get("template")
    if key is not None and "rules" not in body and "query" not in body:
        found = template(str(key))
        if found is None:
            raise BadRequest(f"Unknown template {key!r}.")
        body = {"name": found["name"], "description": found["description"], **body, "rules": found["rules"]}
    count = db.session.scalar(select(func.count()).select_from(Segment).where(Segment.shop_id == shop.id))
    if (count or 0) >= MAX_SEGMENTS:
        raise BadRequest(f"A shop may have at most {MAX_SEGMENTS} segments.")
    name = _name(body.get("name"))
    segment = Segment(shop_id=shop.id, name=name, slug=_unique_slug(shop.id, name), rules=rules_from(body),
                      description=_description(body.get("description")),
                      tag_writeback=_flag(body.get("tag_writeback", False)),
                      template=str(key) if key is not None else None, count_history=[])
    db.session.add(segment)
    db.session.commit()
    return segment


def update(shop: Shop, segment_id: int, body: dict[str, Any]) -> Segment:
    """Change a segment's name, description, rules or tag write-back; the slug (and tag) stay."""
    segment = get(shop, segment_id)
    if "name" in body:
        segment.name = _name(body["name"])
    if "description" in body:
        segment.description = _description(body["description"])
    if "rules" in body or "query" in body:
        segment.rules = rules_from(body)
    if "tag_writeback" in body:
        segment.tag_writeback = _flag(body["tag_writeback"])
    db.session.commit()
    return segment


def delete(shop: Shop, segment_id: int) -> None:
    """Delete a segment and its membership history."""
    db.session.delete(get(shop, segment_id))
    db.session.commit()


def to_json(segment: Segment) -> dict[str, Any]:
    """Return the API shape of a segment."""
    run = db.session.scalar(select(SegmentTagRun).where(SegmentTagRun.segment_id == segment.id)
                            .order_by(SegmentTagRun.started_at.desc(), SegmentTagRun.id.desc()).limit(1))
    return {
        "id": segment.id, "name": segment.name, "slug": segment.slug, "description": segment.description,
        "rules": segment.rules, "query": format_rules(segment.rules), "template": segment.template,
        "tag_writeback": segment.tag_writeback, "tag": tag_for(segment),
        "member_count": segment.member_count, "count_history": segment.count_history,
        "refreshed_at": _iso(segment.refreshed_at), "created_at": _iso(segment.created_at),
        "updated_at": _iso(segment.updated_at), "last_tag_run": tag_run_json(run) if run else None,
    }


def tag_for(segment: Segment) -> str:
    """Return the Shopify customer tag XSight writes for this segment."""
    return f"{TAG_PREFIX}{segment.slug}"[:255]


def tag_run_json(run: SegmentTagRun) -> dict[str, Any]:
    """Return the API shape of one tag write-back run."""
    return {"id": run.id, "tag": run.tag, "status": run.status, "started_at": _iso(run.started_at),
            "finished_at": _iso(run.finished_at), "to_add": run.to_add, "to_remove": run.to_remove,
            "added": run.added, "removed": run.removed, "failed": run.failed, "error": run.error}


def slugify(name: str) -> str:
    """Lower-case ASCII words joined by hyphens ("Big spenders!" -> "big-spenders")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "segment"


def _unique_slug(shop_id: int, name: str) -> str:
    base = slugify(name)
    taken = set(db.session.scalars(select(Segment.slug).where(
        Segment.shop_id == shop_id, Segment.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 255:
        raise BadRequest("name must be a text of 1 to 255 characters.")
    return value.strip()


def _description(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 2000:
        raise BadRequest("description must be a text of at most 2000 characters.")
    return value.strip() or None


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadRequest("tag_writeback must be true or false.")
    return value


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
