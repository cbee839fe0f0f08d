"""Token exchange and refresh of expiring offline tokens, through Shopify's `shopifyapp`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import httpx
from shopify_app import ShopifyApp, TokenExchangeAccessToken, TokenExchangeResult

from xsight.errors import TokenExchangeFailed
from xsight.shopify.session_token import VerifiedSession
from xsight.shopify.shop_domain import shop_handle

# shopifyapp's result codes that mean "try again later" rather than "the grant is dead".
RETRIABLE_CODES = frozenset({"network_error", "rate_limit_exceeded", "rate_limited_retry"})


@dataclass(frozen=True)
class TokenSet:
    """An offline access token with its refresh token and expiry times (UTC)."""

    access_token: str
    scope: str
    expires_at: datetime | None
    refresh_token: str | None
    refresh_token_expires_at: datetime | None

    def __repr__(self) -> str:
        return f"<TokenSet scope={self.scope!r} expires_at={self.expires_at}>"


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _token_set(result: TokenExchangeResult, action: str) -> TokenSet:
    token: TokenExchangeAccessToken | None = result.access_token
    if not result.ok or token is None:
        code = result.log.code
        raise TokenExchangeFailed(f"Shopify {action} failed ({code}).",
                                  retriable=code in RETRIABLE_CODES or result.response.status >= 500)
    return TokenSet(access_token=token.token, scope=token.scope,
                    expires_at=_parse_time(token.expires), refresh_token=token.refresh_token,
                    refresh_token_expires_at=_parse_time(token.refresh_token_expires))


def exchange(app: ShopifyApp, session: VerifiedSession, http: httpx.Client) -> TokenSet:
    """Exchange a verified ID token for an expiring offline access token."""
    result = app.exchange_using_token_exchange(
        "offline",
        id_token={"exchangeable": True, "token": session.token, "claims": session.claims},
        expiring=True,
        http_client=http,
    )
    return _token_set(result, "token exchange")


def refresh(app: ShopifyApp, shop: str, refresh_token: str, http: httpx.Client,
            refresh_token_expires_at: datetime | None = None) -> TokenSet:
    """Trade a refresh token for a new access/refresh pair (the old refresh token is spent)."""
    result = app.refresh_token_exchanged_access_token(
        {
            "shop": shop_handle(shop),
            "refresh_token": refresh_token,
            # An empty expiry makes the package refresh now instead of second-guessing us.
            "expires": "",
            "refresh_token_expires": (refresh_token_expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")
                                      if refresh_token_expires_at else ""),
        },
        http_client=http,
    )
    return _token_set(result, "token refresh")
