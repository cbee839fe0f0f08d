"""Per-request and per-task log context (request_id, shop, task_id, ...) in a context variable."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

# The fields every log line, metric exemplar and Sentry event may carry; nothing else is bound.
FIELDS = ("request_id", "shop", "shop_id", "task", "task_id", "sync_run_id", "webhook_id", "topic")
_PARENT = "_parent"

_scope: ContextVar[dict[str, Any] | None] = ContextVar("xsight_log_scope", default=None)


def push(**fields: Any) -> dict[str, Any]:
    """Open a new scope (a request or a task) that inherits the enclosing one's fields."""
    parent = _scope.get()
    scope: dict[str, Any] = {k: v for k, v in (parent or {}).items() if k != _PARENT}
    scope.update({k: v for k, v in fields.items() if v is not None})
    scope[_PARENT] = parent
    _scope.set(scope)
    return scope


def pop() -> dict[str, Any]:
    """Close the current scope, return its fields (private ones too), and restore the enclosing one."""
    scope = _scope.get() or {}
    _scope.set(scope.get(_PARENT))
    return {k: v for k, v in scope.items() if k != _PARENT}


def bind(**fields: Any) -> None:
    """Add fields (e.g. shop, webhook_id) to the current scope; outside any scope, do nothing."""
    scope = _scope.get()
    if scope is not None:
        scope.update({k: v for k, v in fields.items() if v is not None})


def current() -> dict[str, Any]:
    """Return the public fields of the current scope (empty outside a request or task)."""
    scope = _scope.get()
    if not scope:
        return {}
    return {k: v for k, v in scope.items() if not k.startswith("_")}


def get(name: str) -> Any:
    """Return one field of the current scope, or None."""
    scope = _scope.get()
    return scope.get(name) if scope else None
