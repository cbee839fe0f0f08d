"""Read models of the shop for the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from xsight.extensions import db
from xsight.models import Shop, SyncRun


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def describe_shop(shop: Shop) -> dict[str, Any]:
    """Return the shop as the API shows it (never its tokens)."""
    last = db.session.scalars(
        select(SyncRun).where(SyncRun.shop_id == shop.id)
        .order_by(SyncRun.created_at.desc(), SyncRun.id.desc()).limit(1)).first()
    return {
        "domain": shop.domain,
        "name": shop.name,
        "email": shop.email,
        "currency": shop.currency,
        "iana_timezone": shop.iana_timezone,
        "plan": shop.plan_name,
        "installed": shop.installed,
        "installed_at": _iso(shop.installed_at),
        "uninstalled_at": _iso(shop.uninstalled_at),
        "scopes": (shop.scopes or "").split(",") if shop.scopes else [],
        "last_sync": None if last is None else {
            "id": last.id, "kind": last.kind, "status": last.status,
            "started_at": _iso(last.started_at), "finished_at": _iso(last.finished_at),
        },
    }
