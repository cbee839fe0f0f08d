"""Error reporting to Sentry when SENTRY_DSN is set: ids as tags, personal data scrubbed."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from xsight.ops import context
from xsight.ops.redact import redactor

log = logging.getLogger(__name__)

# Context fields sent as Sentry tags (searchable); everything else stays out of the event.
TAG_FIELDS = ("request_id", "shop", "task", "task_id", "sync_run_id", "webhook_id", "topic")
KEEP_AS_IS = ("sdk", "contexts", "modules", "platform", "timestamp", "event_id")
_enabled: list[bool] = [False]


def enabled() -> bool:
    """Return True once Sentry has been initialised with a DSN in this process."""
    return _enabled[0]


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Tag the event with the bound ids and mask secrets and personal data everywhere in it."""
    tags = dict(event.get("tags") or {})
    for key, value in context.current().items():
        if key in TAG_FIELDS and value is not None:
            tags.setdefault(key, str(value))
    event["tags"] = tags
    event.pop("user", None)  # never send who the staff member or customer was
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)  # bodies carry customers' data and webhook payloads
        if isinstance(request.get("query_string"), str):
            request["query_string"] = redactor.text(request["query_string"])
    # SDK, runtime and module descriptions hold no user data; keep their `name` keys readable.
    kept = {k: event.pop(k) for k in KEEP_AS_IS if k in event}
    scrubbed: dict[str, Any] = {**redactor.value(event), **kept}
    scrubbed["tags"] = {k: str(v) for k, v in tags.items()}  # ids are not personal data
    return scrubbed


def _breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    cleaned: dict[str, Any] = redactor.value(crumb)
    return cleaned


def init(dsn: str, environment: str, release: str | None = None) -> bool:
    """Start Sentry with the Flask integration when a DSN is given; return whether it started."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    redactor.add_secrets([dsn])
    sentry_sdk.init(dsn=dsn, environment=environment, release=release,
                    # Flask plus the defaults (logging: every error-level record becomes an event); no
                    # auto-enabled extras (SQL, Redis, Huey spans and breadcrumbs).
                    integrations=[FlaskIntegration()], auto_enabling_integrations=False,
                    before_send=scrub,  # type: ignore[arg-type]
                    before_breadcrumb=_breadcrumb, max_request_body_size="never", traces_sample_rate=0.0,
                    # Collect no user identity, cookies, bodies or frame variables; headers and query
                    # strings only through the denylist, and scrub() masks what is left.
                    data_collection={"user_info": False, "cookies": {"mode": "off"}, "http_bodies": [],
                                     "stack_frame_variables": False,
                                     "url_query_params": {"mode": "denylist"},
                                     "http_headers": {"request": {"mode": "denylist"}}})
    _enabled[0] = True
    log.info("error reporting to Sentry is on", extra={"environment": environment})
    return True


def isolated() -> AbstractContextManager[Any]:
    """Return a fresh Sentry scope for one unit of work outside Flask's (a no-op while Sentry is off)."""
    if not _enabled[0]:
        return nullcontext()
    import sentry_sdk

    return sentry_sdk.isolation_scope()


def tag(**tags: Any) -> None:
    """Set tags on the current Sentry scope (a no-op while Sentry is off)."""
    if not _enabled[0]:
        return
    import sentry_sdk

    for key, value in tags.items():
        if value is not None:
            sentry_sdk.set_tag(key, str(value))


def shutdown() -> None:
    """Flush and stop Sentry (tests and process exit)."""
    if not _enabled[0]:
        return
    import sentry_sdk

    client = sentry_sdk.get_client()
    client.flush(timeout=5)
    client.close()
    _enabled[0] = False
