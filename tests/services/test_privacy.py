"""Data & privacy: privacy requests and the access log, paged and per shop; exports of data requests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from xsight.errors import Conflict, NotFound
from xsight.extensions import db
from xsight.models import ComplianceRequest, CustomerDataAccess, Shop
from xsight.services import privacy

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
EXPORT = {"customer": {"email": "ada@example.com"}, "orders": [{"name": "#1001"}], "segments": []}


def add_requests(shop_id: int) -> dict[str, int]:
    rows = {
        "done": ComplianceRequest(shop_id=shop_id, topic="customers/data_request", status="completed",
                                  customer_gid="gid://shopify/Customer/7", result=EXPORT,
                                  received_at=NOW - timedelta(days=3), completed_at=NOW - timedelta(days=3)),
        "pending": ComplianceRequest(shop_id=shop_id, topic="customers/data_request",
                                     received_at=NOW - timedelta(days=1), result={"orders": []}),
        "redact": ComplianceRequest(shop_id=shop_id, topic="customers/redact", status="completed",
                                    customer_gid="gid://shopify/Customer/8", result={"orders": ["a", "b"]},
                                    received_at=NOW - timedelta(days=2)),
        "redacted": ComplianceRequest(shop_id=shop_id, topic="customers/data_request", status="completed",
                                      result={"redacted": True}, received_at=NOW - timedelta(days=4)),
    }
    db.session.add_all(rows.values())
    db.session.commit()
    return {k: r.id for k, r in rows.items()}


def test_requests_are_paged_newest_first_without_personal_data(app: Flask,
                                                               make_shop: Callable[..., Shop]) -> None:
    shop, other = make_shop(), make_shop()
    with app.app_context():
        ids = add_requests(shop.id)
        add_requests(other.id)
        first = privacy.requests_page(shop.id, 1, 3)
        second = privacy.requests_page(shop.id, 2, 3)
    assert first["total"] == 4 and second["total"] == 4
    assert [r["id"] for r in first["requests"] + second["requests"]] == [
        ids["pending"], ids["redact"], ids["done"], ids["redacted"]]
    done = first["requests"][2]
    assert done["customer_id"] == "7" and done["exportable"] and done["orders"] == 1
    assert first["requests"][1]["orders"] == 2 and not first["requests"][1]["exportable"]
    assert "ada@example.com" not in str(first)


def test_export_only_for_completed_data_requests_of_the_shop(app: Flask,
                                                             make_shop: Callable[..., Shop]) -> None:
    shop, other = make_shop(), make_shop()
    with app.app_context():
        ids = add_requests(shop.id)
        theirs = add_requests(other.id)
        assert privacy.export(shop.id, ids["done"])["shop_data"] == EXPORT
        with pytest.raises(NotFound):
            privacy.export(shop.id, theirs["done"])
        with pytest.raises(Conflict, match="still received"):
            privacy.export(shop.id, ids["pending"])
        with pytest.raises(Conflict, match="only customer data requests"):
            privacy.export(shop.id, ids["redact"])
        with pytest.raises(Conflict, match="redacted since"):
            privacy.export(shop.id, ids["redacted"])


def test_access_log_is_paged_newest_first(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop, other = make_shop(), make_shop()
    with app.app_context():
        for i in range(5):
            db.session.add(CustomerDataAccess(shop_id=shop.id, staff_user_id=str(i), route="/api/v1/x",
                                              customer_count=i + 1, accessed_at=NOW - timedelta(hours=i)))
        db.session.add(CustomerDataAccess(shop_id=other.id, route="/x", customer_count=9))
        db.session.commit()
        page = privacy.access_log_page(shop.id, 2, 2, retention_days=365)
    assert page["total"] == 5 and page["retention_days"] == 365
    assert [(e["staff_user_id"], e["customer_count"]) for e in page["entries"]] == [("2", 3), ("3", 4)]
    assert page["entries"][0]["accessed_at"] == "2026-03-01T10:00:00Z"
