"""A random population of customers written to the database, and the same facts kept in Python."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from xsight.analytics.rfm import GROUPS
from xsight.extensions import db
from xsight.models import (
    Customer,
    CustomerPrediction,
    CustomerStats,
    ModelRun,
    Order,
    OrderLineItem,
)
from xsight.services.crm import facts

TAGS = ("vip", "VIP", "Wholesale", "newsletter", "café", "CAFÉ", "b2b", "x'; DROP TABLE customers; --")
COUNTRIES = ("US", "CA", "GB", "DE", None)
EMAIL = ("SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING", None)
PRODUCTS = tuple(f"gid://shopify/Product/{n}" for n in (11, 12, 13, 14))
RISKS = ("low", "medium", "high", None)
TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 15, 30, tzinfo=UTC)


@dataclass
class Person:
    """One customer's facts as the independent evaluator sees them."""

    id: int = 0
    deleted: bool = False
    tags: list[str] = field(default_factory=list)
    country: str | None = None
    email_state: str | None = None
    created_at: datetime | None = None
    net_minor: int | None = None  # None: no customer_stats row
    orders: int = 0
    first_order: date | None = None
    last_order: date | None = None
    prediction: dict[str, Any] | None = None
    products: set[str] = field(default_factory=set)


def build(rng: random.Random, shop_id: int, n: int) -> list[Person]:
    """Insert `n` random customers of the shop (with stats, predictions, orders); return their facts."""
    people = [_person(rng) for _ in range(n)]
    run = ModelRun(shop_id=shop_id, status="succeeded")
    db.session.add(run)
    db.session.flush()
    for i, p in enumerate(people):
        gid = f"gid://shopify/Customer/{shop_id * 10_000 + i}"
        c = Customer(shop_id=shop_id, shopify_gid=gid, tags=p.tags, country_code=p.country,
                     email_marketing_state=p.email_state, shopify_created_at=p.created_at,
                     deleted_at=NOW if p.deleted else None, email=f"c{i}@example.com")
        db.session.add(c)
        db.session.flush()
        p.id = c.id
        if p.net_minor is not None:
            assert p.first_order and p.last_order
            db.session.add(CustomerStats(
                shop_id=shop_id, customer_key=gid, first_order_gid=f"gid://shopify/Order/{c.id}",
                first_order_at=NOW, first_order_date=p.first_order, last_order_at=NOW,
                last_order_date=p.last_order, lifetime_orders=p.orders, gross_sales=p.net_minor,
                discounts=0, returns=0, net_sales=p.net_minor,
                avg_net_order_value=p.net_minor // max(p.orders, 1)))
        if p.prediction is not None:
            db.session.add(CustomerPrediction(shop_id=shop_id, model_run_id=run.id, customer_key=gid,
                                              customer_id=c.id, orders=p.orders, net_sales=0,
                                              **p.prediction))
        _orders(rng, shop_id, c.id, p)
    facts.rebuild(db.session, shop_id)
    db.session.commit()
    return people


def _person(rng: random.Random) -> Person:
    p = Person(deleted=rng.random() < 0.05, tags=rng.sample(TAGS, rng.randint(0, 3)),
               country=rng.choice(COUNTRIES), email_state=rng.choice(EMAIL))
    if rng.random() < 0.9:
        # At and next to shop-local midnight of days the rules name, to catch day edges (and DST).
        day = rng.choice((TODAY, TODAY - timedelta(days=1), TODAY - timedelta(days=30),
                          TODAY - timedelta(days=28), date(2026, 11, 1), date(2026, 11, 2),
                          date(2026, 10, 27), date(2026, 10, 28), TODAY - timedelta(days=rng.randint(0, 40))))
        midnight = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo("America/New_York"))
        p.created_at = (midnight + timedelta(minutes=rng.choice((-1, 0, 0, 1, 600)))).astimezone(UTC)
    if rng.random() < 0.8:
        p.orders = rng.randint(1, 6)
        p.net_minor = rng.choice((0, 500_000, 1_000_000, 1_234_500, rng.randint(-50_000, 9_000_000)))
        p.last_order = TODAY - timedelta(days=rng.randint(0, 60))
        p.first_order = p.last_order - timedelta(days=rng.randint(0, 30) if p.orders > 1 else 0)
    if rng.random() < 0.85:
        scores = [rng.randint(1, 5) for _ in range(3)] if p.net_minor is not None else [0, 0, 0]
        p.prediction = {
            "r": scores[0], "f": scores[1], "m": scores[2], "fm": scores[1],
            "rfm_group": rng.choice(GROUPS) if p.net_minor is not None else "PROSPECTS",
            "p_alive": rng.choice((None, 0.0, 0.25, 0.5, 1.0, rng.random())),
            "churn_risk": rng.choice(RISKS),
            "clv_12m": rng.choice((None, 0.0, 100.0, 250.5, rng.uniform(0, 1000))),
            "next_order_at": rng.choice((None, TODAY + timedelta(days=rng.randint(-10, 40)))),
        }
    return p


def _orders(rng: random.Random, shop_id: int, customer_id: int, p: Person) -> None:
    for k in range(rng.randint(0, 3)):
        test, cancelled = rng.random() < 0.15, rng.random() < 0.15
        order = Order(shop_id=shop_id, shopify_gid=f"gid://shopify/Order/{customer_id}-{k}",
                      customer_id=customer_id, processed_at=NOW, currency_code="USD", test=test,
                      cancelled_at=NOW if cancelled else None, total_price=Decimal("10"))
        db.session.add(order)
        db.session.flush()
        for j, product in enumerate(rng.sample(PRODUCTS, rng.randint(1, 2))):
            db.session.add(OrderLineItem(shop_id=shop_id, order_id=order.id, quantity=1,
                                         shopify_gid=f"gid://shopify/LineItem/{order.id}-{j}",
                                         product_gid=product, original_unit_price=Decimal("5")))
            if not test and not cancelled:
                p.products.add(product)
