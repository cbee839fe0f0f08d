"""Issue, rotate and check the store's OAuth codes, access tokens and refresh tokens."""

from __future__ import annotations

import secrets
import time
from typing import Any

from .config import AUTH_CODE_TTL_S, StoreConfig
from .storage import Storage

ACCESS_PREFIX = "shpat_"
REFRESH_PREFIX = "shprt_"


class TokenError(Exception):
    """A grant was refused; `error` is the OAuth error code for the JSON body."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error, self.description = error, description


class Tokens:
    """Token bookkeeping in the store's SQLite file."""

    def __init__(self, storage: Storage, config: StoreConfig) -> None:
        self.storage, self.config = storage, config

    def _insert(
        self,
        kind: str,
        shop: str,
        client_id: str,
        scope: str,
        ttl: float | None,
        parent: str | None = None,
        prefix: str = "",
    ) -> str:
        token = prefix + secrets.token_hex(16)
        expires = None if ttl is None else time.time() + ttl
        with self.storage.write() as conn:
            conn.execute(
                "INSERT INTO tokens (token, kind, shop, client_id, scope, expires_at, parent) "
                "VALUES (?,?,?,?,?,?,?)",
                (token, kind, shop, client_id, scope, expires, parent),
            )
        return token

    def _row(self, token: str, kind: str) -> dict[str, Any] | None:
        rows = self.storage.query(
            "SELECT token, shop, client_id, scope, expires_at, revoked, used, parent "
            "FROM tokens WHERE token=? AND kind=?",
            (token, kind),
        )
        if not rows:
            return None
        keys = ("token", "shop", "client_id", "scope", "expires_at", "revoked", "used", "parent")
        return dict(zip(keys, rows[0], strict=True))

    def issue_code(self, shop: str, client_id: str, scope: str) -> str:
        """Return a single-use authorization code."""
        return self._insert("code", shop, client_id, scope, AUTH_CODE_TTL_S)

    def redeem_code(self, shop: str, client_id: str, code: str, expiring: bool) -> dict[str, Any]:
        """Exchange an authorization code (once) for an offline token."""
        row = self._row(code, "code")
        if (
            row is None
            or row["shop"] != shop
            or row["client_id"] != client_id
            or row["used"]
            or row["revoked"]
            or row["expires_at"] < time.time()
        ):
            raise TokenError("invalid_request", "The authorization code was not found or was already used")
        with self.storage.write() as conn:
            updated = conn.execute("UPDATE tokens SET used=1 WHERE token=? AND used=0", (code,)).rowcount
        if not updated:
            raise TokenError("invalid_request", "The authorization code was not found or was already used")
        return self.issue(shop, client_id, row["scope"], expiring)

    def issue(
        self, shop: str, client_id: str, scope: str, expiring: bool, parent: str | None = None
    ) -> dict[str, Any]:
        """Return a new offline access token (with a refresh token when expiring)."""
        if not expiring:
            return {
                "access_token": self._insert("access", shop, client_id, scope, None, prefix=ACCESS_PREFIX),
                "scope": scope,
            }
        ttl, rttl = self.config.access_token_ttl, self.config.refresh_token_ttl
        access = self._insert("access", shop, client_id, scope, ttl, parent=parent, prefix=ACCESS_PREFIX)
        refresh = self._insert("refresh", shop, client_id, scope, rttl, prefix=REFRESH_PREFIX)
        with self.storage.write() as conn:
            conn.execute("UPDATE tokens SET pair=? WHERE token=?", (access, refresh))
        return {
            "access_token": access,
            "scope": scope,
            "expires_in": ttl,
            "refresh_token": refresh,
            "refresh_token_expires_in": rttl,
        }

    def refresh(self, shop: str, client_id: str, refresh_token: str) -> dict[str, Any]:
        """Rotate: a refresh token buys a new pair and stays usable until that pair's token is used."""
        row = self._row(refresh_token, "refresh")
        if (
            row is None
            or row["shop"] != shop
            or row["client_id"] != client_id
            or row["revoked"]
            or row["expires_at"] < time.time()
        ):
            raise TokenError("invalid_grant", "The refresh token is invalid, expired or already replaced")
        return self.issue(shop, client_id, row["scope"], True, parent=refresh_token)

    def check(self, token: str, shop: str) -> str | None:
        """Return the client id if `token` is a live access token for `shop`, marking it used."""
        row = self._row(token, "access")
        if row is None or row["shop"] != shop or row["revoked"]:
            return None
        if row["expires_at"] is not None and row["expires_at"] < time.time():
            return None
        if not row["used"]:
            with self.storage.write() as conn:
                conn.execute("UPDATE tokens SET used=1 WHERE token=?", (token,))
                if row["parent"]:  # first use of a rotated token retires the refresh token that bought it
                    conn.execute("UPDATE tokens SET revoked=1 WHERE token=?", (row["parent"],))
        return str(row["client_id"])

    def revoke_shop(self, shop: str) -> int:
        """Revoke every token of a shop (uninstall); return how many."""
        with self.storage.write() as conn:
            return conn.execute("UPDATE tokens SET revoked=1 WHERE shop=? AND revoked=0", (shop,)).rowcount

    def expire(self, token: str) -> None:
        """Make a token expire now (tests and the control API)."""
        with self.storage.write() as conn:
            conn.execute("UPDATE tokens SET expires_at=? WHERE token=?", (time.time() - 1, token))
