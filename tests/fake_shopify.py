"""A tiny in-test Shopify token endpoint for unit tests (the simulated store covers the rest)."""

from __future__ import annotations

import json
import secrets
import threading
from typing import Any

import httpx
import jwt

from tests.conftest import TEST_API_KEY, TEST_API_SECRET


class FakeTokenEndpoint:
    """Answer token exchange, refresh (single-use refresh tokens) and code grants."""

    def __init__(self, expires_in: int = 3600) -> None:
        self.expires_in = expires_in
        self.calls: list[dict[str, Any]] = []
        self.valid_refresh: set[str] = set()
        self.codes: set[str] = set()
        self.issued: list[str] = []
        self.other_requests: list[str] = []
        self._lock = threading.Lock()

    def _pair(self) -> dict[str, Any]:
        access, refresh = "shpat_" + secrets.token_hex(16), "shprt_" + secrets.token_hex(16)
        self.valid_refresh.add(refresh)
        self.issued += [access, refresh]
        return {"access_token": access, "scope": "read_customers,read_orders",
                "expires_in": self.expires_in, "refresh_token": refresh,
                "refresh_token_expires_in": 7_776_000}

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != "/admin/oauth/access_token":
            self.other_requests.append(request.url.path)
            return httpx.Response(404, json={"errors": "Not Found"})
        body = json.loads(request.content)
        with self._lock:
            self.calls.append({"host": request.headers["host"], **body})
            if body.get("client_secret") != TEST_API_SECRET or body.get("client_id") != TEST_API_KEY:
                return httpx.Response(400, json={"error": "invalid_client"})
            grant = body.get("grant_type")
            if grant == "urn:ietf:params:oauth:grant-type:token-exchange":
                try:
                    jwt.decode(body["subject_token"], TEST_API_SECRET, algorithms=["HS256"],
                               audience=TEST_API_KEY)
                except jwt.PyJWTError:
                    return httpx.Response(400, json={"error": "invalid_subject_token"})
                return httpx.Response(200, json=self._pair())
            if grant == "refresh_token":
                if body.get("refresh_token") not in self.valid_refresh:
                    return httpx.Response(400, json={"error": "invalid_grant"})
                self.valid_refresh.discard(body["refresh_token"])
                return httpx.Response(200, json=self._pair())
            if body.get("code") in self.codes:
                self.codes.discard(body["code"])
                return httpx.Response(200, json=self._pair())
            return httpx.Response(400, json={"error": "invalid_request"})

    def client(self) -> httpx.Client:
        """Return an httpx client whose Shopify calls this endpoint answers."""
        return httpx.Client(transport=httpx.MockTransport(self.handler))
