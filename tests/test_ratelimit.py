"""Per-shop token buckets, in process and in Redis, and the API's 429."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import MakeApp, ShopifyHelper, make_settings
from xsight.models import Shop
from xsight.ratelimit import MemoryLimiter, RedisLimiter


def test_memory_bucket_refills_at_the_rate() -> None:
    now = [0.0]
    limiter = MemoryLimiter(rate=2.0, burst=3, clock=lambda: now[0])
    assert [limiter.hit("a").allowed for _ in range(4)] == [True, True, True, False]
    assert limiter.hit("a").retry_after_s == 1
    assert limiter.hit("b").allowed  # other shops have their own bucket
    now[0] += 0.5
    assert limiter.hit("a").allowed
    assert not limiter.hit("a").allowed


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_redis_bucket_is_shared_between_limiters() -> None:
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    key = f"test-{uuid.uuid4()}"
    first, second = RedisLimiter(client, 1.0, 2), RedisLimiter(client, 1.0, 2)
    assert first.hit(key).allowed and second.hit(key).allowed
    decision = first.hit(key)
    assert not decision.allowed and decision.retry_after_s == 1


def test_api_answers_429_with_retry_after(app: Flask, tmp_path: Path, shopify: ShopifyHelper,
                                          make_app: MakeApp,
                                          make_shop: Callable[..., Shop]) -> None:
    make_shop(domain="limited.myshopify.com")
    app = make_app(make_settings(tmp_path / "limited", RATE_LIMIT_PER_SECOND=0.01,
                                   RATE_LIMIT_BURST=2,
                                   DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"]))
    client = app.test_client()
    codes = [client.get("/api/v1/shop", headers=shopify.auth("limited.myshopify.com")).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]
    response = client.get("/api/v1/shop", headers=shopify.auth("limited.myshopify.com"))
    assert response.json["error"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1
