"""Record every API response that carried customers' personal data (Shopify PCD level 2)."""

from __future__ import annotations

import logging

from flask import Response, g, request

from xsight.extensions import db
from xsight.models import CustomerDataAccess

log = logging.getLogger(__name__)


def record_customer_data(count: int) -> None:
    """Note that the current response contains personal data of `count` customers."""
    g.customer_data_count = getattr(g, "customer_data_count", 0) + count


def write_access_log(response: Response) -> Response:
    """Persist the access record for a successful response that carried personal data."""
    count = getattr(g, "customer_data_count", 0)
    shop = getattr(g, "shop", None)
    if count and shop is not None and response.status_code < 400:
        try:
            db.session.add(CustomerDataAccess(
                shop_id=shop.id, staff_user_id=getattr(g, "staff_user_id", None),
                route=request.url_rule.rule if request.url_rule else request.path,
                customer_count=count))
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("could not write the customer data access log")
            raise
    return response


def purge_access_log(retention_days: int) -> int:
    """Delete access records older than the retention period; return how many."""
    from xsight.services import retention

    return retention.purge_access_log(retention_days)
