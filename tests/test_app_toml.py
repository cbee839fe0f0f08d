"""shopify.app.toml declares what the app handles."""

from __future__ import annotations

import tomllib

from xsight.config import Settings, project_root


def test_toml_is_complete_and_consistent() -> None:
    toml = tomllib.loads((project_root() / "shopify.app.toml").read_text())
    assert toml["embedded"] is True
    for key in ("client_id", "name", "application_url"):
        assert toml[key]
    assert toml["access_scopes"]["scopes"] == Settings().SHOPIFY_SCOPES
    assert all(u.endswith("/auth/callback") for u in toml["auth"]["redirect_urls"])
    subs = toml["webhooks"]["subscriptions"]
    topics = {t for s in subs for t in s.get("topics", [])}
    assert {"app/uninstalled", "orders/create", "orders/updated", "customers/update",
            "refunds/create", "bulk_operations/finish"} <= topics
    compliance = {t for s in subs for t in s.get("compliance_topics", [])}
    assert compliance == {"customers/data_request", "customers/redact", "shop/redact"}
