"""Every table, imported in one place so metadata and Alembic see them all."""

from xsight.models.access_log import CustomerDataAccess
from xsight.models.compliance import ComplianceRequest
from xsight.models.customer import Customer
from xsight.models.customer_event import CustomerEvent
from xsight.models.customer_facts import CustomerFacts, CustomerFactsVersion, CustomerFactTag
from xsight.models.deleted_object import DeletedObject
from xsight.models.order import Order, OrderLineItem, Refund, RefundLineItem
from xsight.models.prediction import CustomerPrediction, ModelRun
from xsight.models.product import Product, ProductVariant
from xsight.models.range_rollup import CustomerDay, CustomerMonthSpend, RangeCount
from xsight.models.rollup import CustomerMonth, CustomerStats, DailyShop, OrderEvent
from xsight.models.segment import Segment, SegmentMembership, SegmentTagRun
from xsight.models.shop import Shop
from xsight.models.sync_run import SyncRun
from xsight.models.webhook_delivery import WebhookDelivery

__all__ = [
    "ComplianceRequest",
    "Customer",
    "CustomerDataAccess",
    "CustomerDay",
    "CustomerEvent",
    "CustomerFactTag",
    "CustomerFacts",
    "CustomerFactsVersion",
    "CustomerMonth",
    "CustomerMonthSpend",
    "CustomerPrediction",
    "CustomerStats",
    "DailyShop",
    "DeletedObject",
    "ModelRun",
    "Order",
    "OrderEvent",
    "OrderLineItem",
    "Product",
    "ProductVariant",
    "RangeCount",
    "Refund",
    "RefundLineItem",
    "Segment",
    "SegmentMembership",
    "SegmentTagRun",
    "Shop",
    "SyncRun",
    "WebhookDelivery",
]
