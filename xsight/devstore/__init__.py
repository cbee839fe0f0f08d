"""The simulated Shopify store: data generator, Admin GraphQL subset, bulk, OAuth, webhooks."""

from __future__ import annotations

from .app import create_store_app
from .config import Faults, StoreConfig
from .generator import ShopSpec, generate_shop
from .server import StoreHandle, start_store

__all__ = [
    "Faults",
    "ShopSpec",
    "StoreConfig",
    "StoreHandle",
    "create_store_app",
    "generate_shop",
    "start_store",
]
