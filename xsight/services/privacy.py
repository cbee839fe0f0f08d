"""Data & privacy for the merchant: privacy requests received, the customer-data access log, exports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from xsight.errors import Conflict, NotFound
from xsight.extensions import db
from xsight.models import ComplianceRequest, CustomerDataAccess

DATA_REQUEST = "customers/data_request"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _exportable(request: ComplianceRequest) -> bool:
    return (request.topic == DATA_REQUEST and request.status == "completed"
            and not (request.result or {}).get("redacted"))


def describe_request(request: ComplianceRequest) -> dict[str, Any]:
    """Return a privacy request as the API shows it (never the exported personal data)."""
    return {"id": request.id, "topic": request.topic, "status": request.status,
            "customer_id": request.customer_gid.rsplit("/", 1)[-1] if request.customer_gid else None,
            "orders": len((request.result or {}).get("orders") or []),
            "received_at": _iso(request.received_at), "completed_at": _iso(request.completed_at),
            "error": request.error, "exportable": _exportable(request)}


def requests_page(shop_id: int, page: int, per_page: int) -> dict[str, Any]:
    """Return one page of the shop's privacy requests, newest first, with the total count."""
    total = db.session.scalar(select(func.count()).select_from(ComplianceRequest)
                              .where(ComplianceRequest.shop_id == shop_id)) or 0
    rows = db.session.scalars(select(ComplianceRequest).where(ComplianceRequest.shop_id == shop_id)
                              .order_by(ComplianceRequest.received_at.desc(), ComplianceRequest.id.desc())
                              .limit(per_page).offset((page - 1) * per_page))
    return {"requests": [describe_request(r) for r in rows], "page": page, "per_page": per_page,
            "total": int(total)}


def access_log_page(shop_id: int, page: int, per_page: int, retention_days: int) -> dict[str, Any]:
    """Return one page of the shop's customer-data access log, newest first, with the total count."""
    log = CustomerDataAccess
    total = db.session.scalar(select(func.count()).select_from(log).where(log.shop_id == shop_id)) or 0
    rows = db.session.scalars(select(log).where(log.shop_id == shop_id)
                              .order_by(log.accessed_at.desc(), log.id.desc())
                              .limit(per_page).offset((page - 1) * per_page))
    return {"entries": [{"id": r.id, "staff_user_id": r.staff_user_id, "route": r.route,
                         "customer_count": r.customer_count, "accessed_at": _iso(r.accessed_at)}
                        for r in rows],
            "page": page, "per_page": per_page, "total": int(total), "retention_days": retention_days}


def export(shop_id: int, request_id: int) -> dict[str, Any]:
    """Return the data export of a completed customer data request of the shop."""
    request = db.session.scalars(select(ComplianceRequest).where(
        ComplianceRequest.shop_id == shop_id, ComplianceRequest.id == request_id)).one_or_none()
    if request is None:
        raise NotFound(f"There is no privacy request {request_id} for this shop.")
    if not _exportable(request):
        why = ("only customer data requests have an export" if request.topic != DATA_REQUEST
               else "the customer was redacted since" if (request.result or {}).get("redacted")
               else f"it is still {request.status}")
        raise Conflict(f"Privacy request {request_id} has no export to download: {why}.")
    return {"request": describe_request(request), "shop_data": request.result or {}}
