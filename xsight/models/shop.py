"""The shop: XSight's tenant, with its encrypted offline token."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xsight.extensions import db
from xsight.models.types import BigId, GidString, JsonType, UTCDateTime, utcnow


class Shop(db.Model):  # type: ignore[name-defined]
    """One Shopify shop that installed XSight; every other row belongs to one."""

    __tablename__ = "shops"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    domain: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)
    shopify_gid: Mapped[str | None] = mapped_column(GidString)
    name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    currency: Mapped[str] = mapped_column(String(3), default="USD", nullable=False)
    iana_timezone: Mapped[str] = mapped_column(String(64), default="UTC", nullable=False)
    plan_name: Mapped[str | None] = mapped_column(String(64))
    scopes: Mapped[str | None] = mapped_column(Text)
    # Tokens are AES-256-GCM ciphertexts; the key id says which ENCRYPTION_KEY made them.
    access_token_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    access_token_key_id: Mapped[str | None] = mapped_column(String(32))
    access_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refresh_token_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    refresh_token_key_id: Mapped[str | None] = mapped_column(String(32))
    refresh_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    installed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    installed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    settings: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow,
                                                 nullable=False)

    def __repr__(self) -> str:
        return f"<Shop {self.domain}>"
