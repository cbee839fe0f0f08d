"""Every tenant row is unique per shop and disappears with its shop."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from xsight.extensions import db
from xsight.models import (
    ComplianceRequest,
    Customer,
    CustomerDataAccess,
    CustomerEvent,
    CustomerFacts,
    CustomerFactsVersion,
    CustomerFactTag,
    DeletedObject,
    Order,
    OrderLineItem,
    Product,
    ProductVariant,
    Refund,
    RefundLineItem,
    Segment,
    SegmentMembership,
    SegmentTagRun,
    Shop,
    SyncRun,
    WebhookDelivery,
)
from xsight.models.prediction import CustomerPrediction, ModelRun
from xsight.models.range_rollup import CustomerDay, CustomerMonthSpend, RangeCount
from xsight.models.rollup import CustomerMonth, CustomerStats, DailyShop, OrderEvent

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def fill_shop(shop_id: int) -> None:
    """Insert one row of every tenant table for a shop."""
    customer = Customer(shop_id=shop_id, shopify_gid="gid://shopify/Customer/1", email="a@b.c")
    product = Product(shop_id=shop_id, shopify_gid="gid://shopify/Product/1", title="Mug")
    db.session.add_all([customer, product])
    db.session.flush()
    order = Order(shop_id=shop_id, shopify_gid="gid://shopify/Order/1", customer_id=customer.id,
                  processed_at=NOW, currency_code="USD", total_price=Decimal("12.50"))
    segment = Segment(shop_id=shop_id, name="All", slug="all", rules={"and": []})
    db.session.add_all([
        order, segment,
        ProductVariant(shop_id=shop_id, shopify_gid="gid://shopify/ProductVariant/1",
                       product_id=product.id, price=Decimal("12.50")),
        SyncRun(shop_id=shop_id, kind="backfill"),
        WebhookDelivery(shop_id=shop_id, webhook_id="w-1", topic="orders/create"),
        CustomerDataAccess(shop_id=shop_id, route="/api/v1/customers", customer_count=1),
        ComplianceRequest(shop_id=shop_id, topic="customers/data_request"),
    ])
    db.session.flush()
    refund = Refund(shop_id=shop_id, shopify_gid="gid://shopify/Refund/1", order_id=order.id,
                    processed_at=NOW)
    db.session.add_all([
        refund,
        OrderLineItem(shop_id=shop_id, shopify_gid="gid://shopify/LineItem/1", order_id=order.id,
                      quantity=1, original_unit_price=Decimal("12.50")),
        SegmentMembership(shop_id=shop_id, segment_id=segment.id, customer_id=customer.id),
        SegmentTagRun(shop_id=shop_id, segment_id=segment.id, tag="xsight-all"),
        DeletedObject(shop_id=shop_id, shopify_gid="gid://shopify/Order/999"),
        CustomerEvent(shop_id=shop_id, customer_id=customer.id, kind="customer_updated"),
        CustomerFacts(shop_id=shop_id, customer_id=customer.id, customer_gid=customer.shopify_gid,
                      amount_spent=0, number_of_orders=0, customer_tags=["vip"]),
        CustomerFactTag(shop_id=shop_id, customer_id=customer.id, tag="vip", tag_key="vip"),
        CustomerFactsVersion(shop_id=shop_id, token=1),
    ])
    db.session.flush()
    db.session.add(RefundLineItem(shop_id=shop_id, shopify_gid="gid://shopify/RefundLineItem/1",
                                  refund_id=refund.id, quantity=1, subtotal=Decimal("12.50")))
    db.session.commit()
    fill_analytics(shop_id, order.id, customer.id)


def fill_analytics(shop_id: int, order_id: int, customer_id: int) -> None:
    """Insert one row of every rollup and prediction table for a shop."""
    day, key = NOW.date(), "gid://shopify/Customer/1"
    money = dict.fromkeys(("gross_sales", "discounts", "returns", "net_sales"), 0)
    run = ModelRun(shop_id=shop_id, status="succeeded")
    db.session.add_all([
        run,
        OrderEvent(shop_id=shop_id, order_gid="gid://shopify/Order/1", order_id=order_id, kind="order",
                   local_date=day, local_month=day.replace(day=1), customer_key=key, processed_at=NOW,
                   counted=True, qualifies=True, orders=1, orders_cancelled=0, gross=0, discounts=0,
                   returns=0, shipping=0, taxes=0, gift_card_sales=0, units_ordered=0, units_reversed=0,
                   attributed_net=0),
        DailyShop(shop_id=shop_id, date=day, orders=1, orders_cancelled=0, shipping=0, taxes=0,
                  gift_card_sales=0, units_ordered=0, units_reversed=0, aov_numerator=0,
                  aov_denominator=1, **money),
        CustomerStats(shop_id=shop_id, customer_key=key, first_order_gid="gid://shopify/Order/1",
                      first_order_at=NOW, first_order_date=day, last_order_at=NOW, last_order_date=day,
                      lifetime_orders=1, avg_net_order_value=0, **money),
        CustomerMonth(shop_id=shop_id, customer_key=key, month=day.replace(day=1), orders=1, net_sales=0),
        CustomerDay(shop_id=shop_id, customer_key=key, day=day, day_number=day.toordinal(), orders=1, net=0,
                    lq_orders=1, lq_net=0, is_returning=0, first_order=1),
        RangeCount(shop_id=shop_id, kind="c", level=0, bucket=day.toordinal(), prev_week=-1, n=1),
        CustomerMonthSpend(shop_id=shop_id, customer_key=key, month=day.replace(day=1), positive=0),
    ])
    db.session.flush()
    db.session.add(CustomerPrediction(shop_id=shop_id, model_run_id=run.id, customer_key=key,
                                      customer_id=customer_id, orders=1, net_sales=0, r=5, f=1, m=1,
                                      fm=1, rfm_group="NEW"))
    db.session.commit()


TENANT_MODELS = [ComplianceRequest, Customer, CustomerDataAccess, Order, OrderLineItem, Product,
                 ProductVariant, OrderEvent, DailyShop, CustomerStats, CustomerMonth, ModelRun,
                 CustomerPrediction,
                 Refund, RefundLineItem, Segment, SegmentMembership, SyncRun, WebhookDelivery,
                 CustomerEvent, CustomerFacts, CustomerFactTag, CustomerFactsVersion, SegmentTagRun,
                 CustomerDay, RangeCount, CustomerMonthSpend, DeletedObject]


def test_every_tenant_table_is_covered() -> None:
    tenant_tables = {t.name for t in db.metadata.sorted_tables if "shop_id" in t.c}
    assert tenant_tables == {m.__tablename__ for m in TENANT_MODELS}


def test_every_tenant_index_starts_with_shop_id() -> None:
    for table in db.metadata.sorted_tables:
        if "shop_id" not in table.c:
            continue
        for index in table.indexes:
            assert index.columns.values()[0].name == "shop_id", (table.name, index.name)
        for constraint in table.constraints:
            cols = getattr(constraint, "columns", None)
            if cols is not None and constraint.__class__.__name__ == "UniqueConstraint":
                assert cols.values()[0].name == "shop_id", (table.name, constraint.name)


def test_same_gid_in_two_shops_is_fine(app: Flask, make_shop: Callable[..., Shop]) -> None:
    a, b = make_shop(), make_shop()
    with app.app_context():
        fill_shop(a.id)
        fill_shop(b.id)
        assert db.session.scalar(select(func.count()).select_from(Customer)) == 2


@pytest.mark.parametrize("model", [Customer, Product])
def test_same_gid_twice_in_one_shop_is_rejected(
    app: Flask, make_shop: Callable[..., Shop], model: type
) -> None:
    shop = make_shop()
    with app.app_context():
        db.session.add(model(shop_id=shop.id, shopify_gid="gid://shopify/X/1"))
        db.session.commit()
        db.session.add(model(shop_id=shop.id, shopify_gid="gid://shopify/X/1"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_webhook_id_is_unique_per_shop(app: Flask, make_shop: Callable[..., Shop]) -> None:
    a, b = make_shop(), make_shop()
    with app.app_context():
        for shop in (a, b):
            db.session.add(WebhookDelivery(shop_id=shop.id, webhook_id="dup", topic="x"))
        db.session.commit()
        db.session.add(WebhookDelivery(shop_id=a.id, webhook_id="dup", topic="x"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_deleting_a_shop_deletes_all_its_rows(app: Flask, make_shop: Callable[..., Shop]) -> None:
    doomed, kept = make_shop(), make_shop()
    with app.app_context():
        fill_shop(doomed.id)
        fill_shop(kept.id)
        db.session.execute(Shop.__table__.delete().where(Shop.id == doomed.id))
        db.session.commit()
        for model in TENANT_MODELS:
            rows = db.session.scalars(select(model.shop_id)).all()  # type: ignore[attr-defined]
            assert rows == [kept.id], model.__tablename__
