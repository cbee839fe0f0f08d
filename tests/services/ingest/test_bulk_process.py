"""A big export parsed and mapped in a child process stores what the in-process path stores."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import POSTGRES
from tests.services.ingest.test_bulk_load import CUSTOMERS, FIXTURES, LINES, ORDERS, money, stored
from xsight.config import project_root
from xsight.errors import BulkOperationError, ShopifyNetworkError
from xsight.extensions import db
from xsight.models import (
    Customer,
    Order,
    OrderLineItem,
    Product,
    ProductVariant,
    Refund,
    RefundLineItem,
    Shop,
)
from xsight.services.ingest import bulk_load, bulk_process

MODELS = (Customer, Product, ProductVariant, Order, OrderLineItem, Refund, RefundLineItem)


def orders_export(count: int) -> list[bytes]:
    """JSONL lines of `count` orders, two line items each (one trailing by many lines), refunds."""
    lines: list[bytes] = []
    late: list[bytes] = []
    for n in range(1, count + 1):
        gid = f"gid://shopify/Order/{n}"
        refund = {"id": f"gid://shopify/Refund/{n}", "createdAt": "2026-02-01T00:00:00Z",
                  "totalRefundedSet": money("1.25"),
                  "refundLineItems": {"edges": [{"node": {
                      "id": f"gid://shopify/RefundLineItem/{n}", "quantity": 1,
                      "lineItem": {"id": f"gid://shopify/LineItem/{n}-a"},
                      "subtotalSet": money("1.25")}}]}}
        lines.append(orjson.dumps({
            "id": gid, "name": f"#{n}", "customer": {"id": f"gid://shopify/Customer/{n % 7 + 1}"},
            "createdAt": "2026-01-01T10:00:00Z", "updatedAt": f"2026-01-02T10:{n % 60:02d}:00Z",
            "currencyCode": "USD", "totalPriceSet": money(f"{n}.50"), "subtotalPriceSet": money("3"),
            "refunds": [refund] if n % 5 == 0 else []}))
        lines.append(orjson.dumps({"id": f"gid://shopify/LineItem/{n}-a", "title": "Mug", "quantity": 2,
                                   "originalUnitPriceSet": money("4.99"), "__parentId": gid}))
        late.append(orjson.dumps({"id": f"gid://shopify/LineItem/{n}-b", "title": "Tea", "quantity": 1,
                                  "originalUnitPriceSet": money("2"), "__parentId": gid}))
        if n % 40 == 0:  # children may come late: these trail their orders by up to 40 orders
            lines.extend(late)
            late.clear()
    return lines + late


def chunked(lines: list[bytes], size: int = 997) -> Iterator[bytes]:
    """The export's bytes in chunks that end anywhere, as a download delivers them."""
    data = b"\n".join(lines) + b"\n\n"
    for start in range(0, len(data), size):
        yield data[start:start + size]


def load(shop_id: int, resource: str, lines: list[bytes], *, child: bool, skip: int = 0,
         commit_every: int = 50, data: Iterator[bytes] | None = None) -> tuple[int, list[int]]:
    """Load through `load_jsonl`, in a child process or not; return the count and commit points."""
    commits: list[int] = []

    def committed(count: int) -> None:
        commits.append(count)
        db.session.commit()

    expected = max(bulk_process.MIN_OBJECTS.values()) + skip if child else len(lines)
    count = bulk_load.load_jsonl(db.session, shop_id, resource,
                                 chunked(lines) if data is None else data, skip=skip,
                                 expected=expected, commit_every=commit_every, on_commit=committed)
    db.session.commit()
    return count, commits


@pytest.fixture
def popens(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """Every mapping process started, to check how each ended."""
    started: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    def spy(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        proc = real(*args, **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(bulk_process.subprocess, "Popen", spy)
    return started


def test_the_child_process_stores_what_the_in_process_path_stores(
        app: Flask, make_shop: Callable[..., Shop], popens: list[subprocess.Popen[bytes]]) -> None:
    inline, child = make_shop(), make_shop()
    customers = [orjson.dumps(c) for c in CUSTOMERS]
    products = (FIXTURES / "products_variants_docs_example.jsonl").read_bytes().splitlines()
    orders = [orjson.dumps(o) for o in ORDERS + LINES] + orders_export(300)
    with app.app_context():
        results = {}
        for shop, in_child in ((inline, False), (child, True)):
            results[in_child] = [load(shop.id, "customers", customers, child=in_child),
                                 load(shop.id, "products", products, child=in_child, commit_every=3),
                                 load(shop.id, "orders", orders, child=in_child, commit_every=97)]
        # PostgreSQL also commits a first load's last batch, before building the indexes it deferred
        # (decision 087): the in-process shop loads first, into empty tables. Compare the other points.
        assert [(n, [c for c in made if c != n]) for n, made in results[True]] == [
            (n, [c for c in made if c != n]) for n, made in results[False]]
        assert results[True][2][0] == len(orders)
        for model in MODELS:
            table = model.__table__
            assert stored(table, child.id) == stored(table, inline.id), table.name
            assert stored(table, child.id), table.name
        unlinked = db.session.scalar(select(func.count()).select_from(OrderLineItem).where(
            OrderLineItem.shop_id == child.id, OrderLineItem.order_id.is_(None)))
        assert unlinked == 0
    assert len(popens) == 3 and all(proc.returncode == 0 for proc in popens)


def test_a_resumed_load_skips_the_objects_already_written(
        app: Flask, make_shop: Callable[..., Shop]) -> None:
    inline, child = make_shop(), make_shop()
    orders = orders_export(120)
    with app.app_context():
        results = {}
        for shop, in_child in ((inline, False), (child, True)):
            head, _ = load(shop.id, "orders", orders[:100], child=False)
            results[in_child] = head, load(shop.id, "orders", orders, child=in_child, skip=head)
        rest = len(orders) - 100
        assert results[True] == results[False] == (100, (rest, list(range(50, rest, 50))))
        for model in (Order, OrderLineItem, Refund, RefundLineItem):
            assert stored(model.__table__, child.id) == stored(model.__table__, inline.id)
        gids = db.session.scalars(select(OrderLineItem.shopify_gid).where(
            OrderLineItem.shop_id == child.id)).all()
        assert len(gids) == len(set(gids)) == 240


def test_a_broken_line_is_raised_after_the_batches_before_it(
        app: Flask, make_shop: Callable[..., Shop], popens: list[subprocess.Popen[bytes]]) -> None:
    shop = make_shop()
    orders = orders_export(100)
    broken = [*orders[:150], b'{"id": "gid://shopify/Order/x", ', *orders[150:]]
    with app.app_context():
        commits: list[int] = []
        with pytest.raises(BulkOperationError, match="Line 151 of the bulk result is not valid JSON"):
            bulk_load.load_jsonl(db.session, shop.id, "orders", chunked(broken),
                                 expected=max(bulk_process.MIN_OBJECTS.values()), commit_every=50,
                                 on_commit=lambda n: (commits.append(n), db.session.commit()))
        db.session.rollback()
        assert commits == [50, 100, 150]
        written = db.session.scalar(select(func.count()).select_from(Order).where(Order.shop_id == shop.id))
        assert 0 < written < 100
    assert popens[0].returncode == 1


@pytest.mark.parametrize("error", [
    ShopifyNetworkError("The bulk result download broke off 3 times; download it again."),
    ValueError("I/O operation on closed file."),  # the pump must not take it for a stopped child
])
def test_a_broken_download_is_raised_in_place_of_the_last_batch(
        app: Flask, make_shop: Callable[..., Shop], error: Exception) -> None:
    shop = make_shop()
    orders = orders_export(60)

    def download() -> Iterator[bytes]:
        yield b"\n".join(orders[:120]) + b"\n"
        raise error

    with app.app_context():
        commits: list[int] = []
        with pytest.raises(type(error), match=str(error)):
            bulk_load.load_jsonl(db.session, shop.id, "orders", download(),
                                 expected=max(bulk_process.MIN_OBJECTS.values()), commit_every=50,
                                 on_commit=lambda n: (commits.append(n), db.session.commit()))
        db.session.rollback()
        assert commits == [50, 100]  # the 20 objects read after them were not the export's end
        assert db.session.scalar(select(func.count()).select_from(OrderLineItem).where(
            OrderLineItem.shop_id == shop.id)) <= 100


def test_no_process_to_be_had_maps_in_process(app: Flask, make_shop: Callable[..., Shop],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*_args: Any, **_kwargs: Any) -> subprocess.Popen[bytes]:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(bulk_process, "start", refused)
    shop = make_shop()
    with app.app_context():
        # PostgreSQL commits a first load's last batch before building its deferred indexes (087)
        assert load(shop.id, "orders", orders_export(30), child=True) == (90, [50, 90] if POSTGRES else [50])
        assert db.session.scalar(select(func.count()).select_from(OrderLineItem).where(
            OrderLineItem.shop_id == shop.id, OrderLineItem.order_id.is_not(None))) == 60


def test_a_writer_that_stops_stops_the_child(app: Flask, make_shop: Callable[..., Shop],
                                             monkeypatch: pytest.MonkeyPatch,
                                             popens: list[subprocess.Popen[bytes]]) -> None:
    shop = make_shop()

    def crash(*_args: Any) -> None:
        raise RuntimeError("worker died")

    def hung(*_args: Any) -> None:
        raise TimeoutError("the load waited for a child that was never stopped")

    monkeypatch.setattr(bulk_load.BulkLoader, "flush", crash)
    endless = (line + b"\n" for line in orders_export(20_000))
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        with app.app_context(), pytest.raises(RuntimeError, match="worker died"):
            bulk_load.load_jsonl(db.session, shop.id, "orders", endless,
                                 expected=max(bulk_process.MIN_OBJECTS.values()), commit_every=50,
                                 on_commit=lambda _n: None)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert popens[0].returncode is not None and popens[0].returncode != 0  # killed, not left behind


def test_the_child_gets_no_secret(app: Flask, make_shop: Callable[..., Shop],
                                  monkeypatch: pytest.MonkeyPatch,
                                  popens: list[subprocess.Popen[bytes]]) -> None:
    monkeypatch.setenv("SHOPIFY_API_SECRET", "shpss_secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://user:password@db/xsight")
    environments: list[dict[str, str]] = []
    spy = bulk_process.subprocess.Popen

    def record(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        environments.append(kwargs["env"])
        return spy(*args, **kwargs)

    monkeypatch.setattr(bulk_process.subprocess, "Popen", record)
    shop = make_shop()
    with app.app_context():
        load(shop.id, "orders", orders_export(5), child=True)
    assert len(environments) == len(popens) == 1
    assert "shpss_secret" not in str(environments) and "password" not in str(environments)
    assert Path(environments[0]["PYTHONPATH"], "xsight", "__init__.py").is_file()


def test_a_child_that_dies_is_an_error(app: Flask, make_shop: Callable[..., Shop],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    shop = make_shop()
    real = subprocess.Popen

    def doomed(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        return real([args[0], "-c", "import os; os._exit(3)"], **kwargs)

    monkeypatch.setattr(bulk_process.subprocess, "Popen", doomed)
    with app.app_context(), pytest.raises(BulkOperationError, match="exit code 3"):
        load(shop.id, "orders", orders_export(5), child=True)


GEVENT_LOAD = """
from gevent import monkey
monkey.patch_all()
import json, sys
from sqlalchemy import func, select
from tests.services.ingest.test_bulk_process import chunked, orders_export
from xsight import create_app
from xsight.config import load_settings, new_encryption_key
from xsight.extensions import db
from xsight.models import OrderLineItem, Shop
from xsight.services.ingest import bulk_load, bulk_process

app = create_app(load_settings(environ={}, XSIGHT_ENV="test", DATABASE_URL=sys.argv[1],
                               INSTANCE_PATH=sys.argv[2], SHOPIFY_API_KEY="k", SHOPIFY_API_SECRET="s",
                               ENCRYPTION_KEY=new_encryption_key()))
with app.app_context():
    db.create_all()
    shop = Shop(domain="gevent.myshopify.com", installed=True)
    db.session.add(shop)
    db.session.commit()
    count = bulk_load.load_jsonl(db.session, shop.id, "orders", chunked(orders_export(200)),
                                 expected=max(bulk_process.MIN_OBJECTS.values()), commit_every=64,
                                 on_commit=lambda _n: db.session.commit())
    db.session.commit()
    lines = db.session.scalar(select(func.count()).select_from(OrderLineItem).where(
        OrderLineItem.order_id.is_not(None)))
print(json.dumps([count, lines]))
"""


def test_the_child_process_works_under_gevent(tmp_path: Path) -> None:
    """Production workers are greenlets (gevent's monkey-patching): its subprocess and pipes."""
    url = f"sqlite:///{tmp_path / 'gevent.sqlite3'}"
    out = subprocess.run([sys.executable, "-c", GEVENT_LOAD, url, str(tmp_path / "instance")],
                         cwd=project_root(), capture_output=True, text=True, timeout=120, check=True)
    assert orjson.loads(out.stdout.strip().splitlines()[-1]) == [600, 400]


def test_a_transaction_bigger_than_a_frame_is_written_in_several(
        app: Flask, make_shop: Callable[..., Shop], monkeypatch: pytest.MonkeyPatch) -> None:
    assert [bulk_process.frame_objects(n) for n in (5_000, 25_000, 50_000, 60_000)] == [
        5_000, 25_000, 25_000, 20_000]
    monkeypatch.setattr(bulk_process, "FRAME_OBJECTS", 20)  # 50-object transactions in frames of 17
    inline, child = make_shop(), make_shop()
    orders = orders_export(100)
    with app.app_context():
        assert load(inline.id, "orders", orders, child=False)[1] == list(range(50, 301, 50))
        assert load(child.id, "orders", orders, child=True)[1] == [51, 102, 153, 204, 255]
        for model in (Order, OrderLineItem, Refund, RefundLineItem):
            assert stored(model.__table__, child.id) == stored(model.__table__, inline.id)


def test_only_exports_big_enough_for_their_resource_get_a_process() -> None:
    """Customers map cheaply: the process pays off from 350,000 of them, orders from 200,000 objects."""
    assert not bulk_process.worthwhile("customers", 200_000)
    assert bulk_process.worthwhile("customers", 350_000)
    assert bulk_process.worthwhile("orders", 200_000) and bulk_process.worthwhile("products", 200_000)
    assert not bulk_process.worthwhile("orders", 199_999)
