"""A big export's mapping process is started ahead, while a smaller load maps in-process (decision 083)."""

from __future__ import annotations

import select as selectors
import subprocess
from collections.abc import Callable, Iterator

import orjson
import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.services.ingest.test_bulk_load import CUSTOMERS
from tests.services.ingest.test_bulk_process import chunked, orders_export, popens  # noqa: F401 - fixture
from xsight.extensions import db
from xsight.models import Customer, OrderLineItem, Shop
from xsight.services.ingest import bulk_load, bulk_mapping, bulk_process

ORDERS = orders_export(120)
CUSTOMER_LINES = [orjson.dumps(c) for c in CUSTOMERS]


@pytest.fixture(autouse=True)
def thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Customers map in-process, orders and products in a process, at these test sizes."""
    monkeypatch.setattr(bulk_process, "MIN_OBJECTS", {"customers": 10**9, "orders": 100, "products": 100})


def write(shop_id: int, resource: str, lines: list[bytes], ahead: bulk_mapping.Ahead, skip: int = 0) -> int:
    count = bulk_load.load_jsonl(db.session, shop_id, resource, chunked(lines), skip=skip,
                                 expected=len(lines), commit_every=50,
                                 on_commit=lambda _n: db.session.commit(),
                                 process=ahead.process_for(resource))
    db.session.commit()
    return count


def test_the_orders_process_starts_during_the_customers_load_and_maps_the_orders(
        app: Flask, make_shop: Callable[..., Shop], popens: list[subprocess.Popen[bytes]]) -> None:  # noqa: F811
    shop = make_shop()
    exports = [("customers", len(CUSTOMER_LINES), 0), ("products", 0, 0), ("orders", len(ORDERS), 0)]
    with app.app_context(), bulk_mapping.Ahead(db.session, exports, 50) as ahead:
        assert ahead.process_for("customers") is None  # maps in-process, so the orders' process starts
        assert len(popens) == 1 and popens[0].poll() is None
        assert write(shop.id, "customers", CUSTOMER_LINES, ahead) == len(CUSTOMER_LINES)
        assert write(shop.id, "products", [], ahead) == 0  # no process started for a second load
        assert len(popens) == 1
        assert write(shop.id, "orders", ORDERS, ahead) == len(ORDERS)
        lines = db.session.scalar(select(func.count()).select_from(OrderLineItem).where(
            OrderLineItem.shop_id == shop.id, OrderLineItem.order_id.is_not(None)))
        customers = db.session.scalar(select(func.count()).select_from(Customer).where(
            Customer.shop_id == shop.id))
    assert len(popens) == 1 and popens[0].returncode == 0  # the process started ahead did the orders
    assert lines == 240 and customers == len(CUSTOMERS)


def test_a_process_started_ahead_and_not_used_is_stopped(
        app: Flask, make_shop: Callable[..., Shop], popens: list[subprocess.Popen[bytes]]) -> None:  # noqa: F811
    shop = make_shop()
    exports = [("customers", len(CUSTOMER_LINES), 0), ("orders", len(ORDERS), 0)]
    with app.app_context(), pytest.raises(RuntimeError, match="customers failed"), \
            bulk_mapping.Ahead(db.session, exports, 50) as ahead:
        ahead.process_for("customers")
        assert shop.id and len(popens) == 1
        raise RuntimeError("customers failed")
    assert popens[0].returncode is not None and popens[0].returncode != 0  # killed and reaped


def test_a_process_started_for_another_load_is_replaced(
        app: Flask, make_shop: Callable[..., Shop], popens: list[subprocess.Popen[bytes]]) -> None:  # noqa: F811
    """Started for a load from the start, given a resumed one: a fresh process maps the rest."""
    shop = make_shop()
    with app.app_context():
        bulk_load.load_jsonl(db.session, shop.id, "orders", chunked(ORDERS[:60]), expected=60,
                             commit_every=50, on_commit=lambda _n: None)  # in-process: under 100
        db.session.commit()
        stale = bulk_mapping.start_mapping(db.session, "orders", expected=len(ORDERS), commit_every=50)
        assert stale is not None
        count = bulk_load.load_jsonl(db.session, shop.id, "orders", chunked(ORDERS), skip=60,
                                     expected=len(ORDERS), commit_every=50,
                                     on_commit=lambda _n: db.session.commit(), process=stale)
        db.session.commit()
        lines = db.session.scalar(select(func.count()).select_from(OrderLineItem).where(
            OrderLineItem.shop_id == shop.id, OrderLineItem.order_id.is_not(None)))
    assert count == len(ORDERS) - 60 and lines == 240
    assert len(popens) == 2 and popens[0].returncode != 0 and popens[1].returncode == 0


def test_nothing_starts_ahead_while_a_load_maps_in_a_process_of_its_own(
        app: Flask, popens: list[subprocess.Popen[bytes]]) -> None:  # noqa: F811
    exports = [("orders", 500, 0), ("products", 500, 0)]
    with app.app_context(), bulk_mapping.Ahead(db.session, exports, 50) as ahead:
        assert ahead.process_for("orders") is None  # its load starts its own; none for products yet
        assert popens == []


def test_a_process_handed_to_a_load_that_fails_before_using_it_is_stopped(
        app: Flask, make_shop: Callable[..., Shop], monkeypatch: pytest.MonkeyPatch,
        popens: list[subprocess.Popen[bytes]]) -> None:  # noqa: F811
    shop = make_shop()

    def broken(*_args: object, **_kwargs: object) -> bool:
        raise RuntimeError("the session is unusable")

    with app.app_context():
        proc = bulk_mapping.start_mapping(db.session, "orders", expected=len(ORDERS), commit_every=50)
        monkeypatch.setattr(bulk_process, "started_for", broken)
        with pytest.raises(RuntimeError, match="unusable"):
            bulk_load.load_jsonl(db.session, shop.id, "orders", chunked(ORDERS), expected=len(ORDERS),
                                 commit_every=50, on_commit=lambda _n: None, process=proc)
    assert proc is not None and proc.returncode is not None and proc.returncode != 0


def test_a_process_fed_ahead_maps_before_its_load_and_the_load_leaves_its_own_bytes_unread(
        app: Flask, make_shop: Callable[..., Shop], popens: list[subprocess.Popen[bytes]]) -> None:  # noqa: F811
    """Given the export's bytes, the process started ahead maps them during the load before (decision 085)."""
    shop = make_shop()
    exports = [("customers", len(CUSTOMER_LINES), 0), ("orders", len(ORDERS), 0)]
    opened: list[str] = []

    def source() -> Iterator[bytes]:
        opened.append("orders")
        yield from chunked(ORDERS)

    def unread() -> Iterator[bytes]:
        raise AssertionError("the load read bytes its process had been fed already")
        yield b""  # pragma: no cover - makes this a generator

    with app.app_context(), bulk_mapping.Ahead(db.session, exports, 50, {"orders": source}) as ahead:
        assert ahead.process_for("customers") is None
        proc = popens[0]
        assert proc.stdout is not None
        # Its first batch is ready before the orders' load begins (no byte was handed to it by a load).
        assert selectors.select([proc.stdout], [], [], 30)[0], "no batch mapped ahead"
        assert opened == ["orders"]
        assert write(shop.id, "customers", CUSTOMER_LINES, ahead) == len(CUSTOMER_LINES)
        count = bulk_load.load_jsonl(db.session, shop.id, "orders", unread(), expected=len(ORDERS),
                                     commit_every=50, on_commit=lambda _n: db.session.commit(),
                                     process=ahead.process_for("orders"))
        db.session.commit()
        lines = db.session.scalar(select(func.count()).select_from(OrderLineItem).where(
            OrderLineItem.shop_id == shop.id, OrderLineItem.order_id.is_not(None)))
    assert count == len(ORDERS) and lines == 240
    assert len(popens) == 1 and popens[0].returncode == 0


def test_a_process_fed_ahead_and_not_used_is_stopped_with_its_pump(
        app: Flask, make_shop: Callable[..., Shop], popens: list[subprocess.Popen[bytes]]) -> None:  # noqa: F811
    exports = [("customers", len(CUSTOMER_LINES), 0), ("orders", len(ORDERS), 0)]
    with app.app_context(), pytest.raises(RuntimeError, match="customers failed"), \
            bulk_mapping.Ahead(db.session, exports, 50, {"orders": lambda: chunked(ORDERS * 50)}) as ahead:
        ahead.process_for("customers")
        raise RuntimeError("customers failed")
    assert popens[0].returncode is not None and popens[0].returncode != 0
    assert not bulk_process._pumps  # the pump ended with its process
