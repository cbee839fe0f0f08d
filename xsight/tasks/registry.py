"""Import every task module so the consumer and the web process know all tasks.

Run a production worker with: `huey_consumer xsight.tasks.registry.huey -k greenlet -w 16`.
"""

from __future__ import annotations

from xsight.tasks import analytics, compliance, maintenance, segments, sync, webhooks  # noqa: F401
from xsight.tasks.queue import huey

__all__ = ["huey"]
