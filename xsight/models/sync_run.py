"""Sync runs: one backfill or incremental sync of a shop, with its progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models.mixins import TenantMixin
from xsight.models.types import JsonType, UTCDateTime, utcnow

SYNC_KINDS = ("backfill", "incremental", "full")
SYNC_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")


class SyncRun(TenantMixin, db.Model):  # type: ignore[name-defined]
    """One sync of a shop: what it is doing, how far it got, where to resume."""

    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_shop_created", "shop_id", "created_at"),)

    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(16), default="queued", nullable=False)
    step: Mapped[str | None] = mapped_column(String(64))
    processed: Mapped[int] = mapped_column(BigInteger, default=0, nullable=False)
    total: Mapped[int | None] = mapped_column(BigInteger)
    checkpoint: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict, nullable=False)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Lease: the worker running this sync renews `heartbeat_at`; a stale lease may be taken over.
    worker: Mapped[str | None] = mapped_column(String(64))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
