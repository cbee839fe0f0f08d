"""The generator is deterministic, sized as asked, and its money is internally consistent."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from xsight.devstore.generator import ShopSpec, generate_shop
from xsight.devstore.model import ModelParams, orders_per_customer, plan_sizes, simulate_counts
from xsight.devstore.orders import net_spent
from xsight.devstore.storage import Storage


def _dump(path: Path, spec: ShopSpec) -> tuple[dict[str, int], list[str]]:
    storage = Storage(path)
    summary = generate_shop(storage, spec)
    docs = [
        r[0]
        for t in ("products", "customers", "orders")
        for r in storage.query(f"SELECT doc FROM {t} ORDER BY id")  # noqa: S608
    ]
    storage.close()
    return summary, docs


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path) -> None:
    a = _dump(tmp_path / "a.sqlite", ShopSpec(seed=7))
    b = _dump(tmp_path / "b.sqlite", ShopSpec(seed=7))
    c = _dump(tmp_path / "c.sqlite", ShopSpec(seed=8))
    assert a == b
    assert a[1] != c[1]


def test_default_size_matches_a_small_dev_store(tmp_path: Path) -> None:
    summary, _ = _dump(tmp_path / "s.sqlite", ShopSpec())
    assert summary["customers"] == 120 and summary["products"] == 50
    assert 200 <= summary["orders"] <= 300, summary


def test_order_count_drives_customer_count(tmp_path: Path) -> None:
    summary, _ = _dump(tmp_path / "o.sqlite", ShopSpec(orders=3000, customers=None, seed=5))
    assert abs(summary["orders"] - 3000) / 3000 < 0.15, summary
    customers, _ = plan_sizes(None, 3000, 730.0, ModelParams())
    assert summary["customers"] == customers


def test_documents_are_consistent_and_varied(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "v.sqlite")
    generate_shop(storage, ShopSpec(orders=1500, customers=None, seed=11))
    orders = [
        json.loads(r[0]) | {"_spend": r[1]} for r in storage.query("SELECT doc, spend_cents FROM orders")
    ]
    for o in orders:
        assert o["subtotal"] == sum(li["price"] * li["q"] - li["disc"] for li in o["lines"])
        assert o["total"] == o["subtotal"] + o["shipping"] + o["tax"]
        assert o["refunded"] == sum(r["total"] for r in o["refunds"]) <= o["total"]
        assert o["_spend"] == sum(li["price"] * li["q"] for li in o["lines"] if not li["gift"])
        assert o["processedAt"] <= o["updatedAt"]
    names = [o["name"] for o in sorted(orders, key=lambda o: o["processedAt"])]
    assert names == [f"#{1000 + i}" for i in range(1, len(orders) + 1)]
    assert any(o["cancelledAt"] and o["cancelReason"] for o in orders)
    assert any(o["financial"] == "PARTIALLY_REFUNDED" for o in orders)
    assert any(o["financial"] == "REFUNDED" for o in orders)
    assert any(o["test"] for o in orders) and any(o["discountCodes"] for o in orders)
    assert any(o["pCurrency"] != o["currency"] for o in orders)
    assert any(li["gift"] for o in orders for li in o["lines"])
    customers = {json.loads(r[0])["id"]: json.loads(r[0]) for r in storage.query("SELECT doc FROM customers")}
    for cid, c in customers.items():
        mine = [o for o in orders if o["customerId"] == cid]
        assert c["numberOfOrders"] == len(mine) >= 1
        assert c["amountSpent"] == sum(net_spent(o) for o in mine)
    m = ModelParams()
    mean_spend = sum(o["_spend"] for o in orders) / len(orders) / 100
    assert abs(mean_spend - m.p * m.gamma / (m.q - 1)) < 12  # Gamma-Gamma mean order value: 80
    params = storage.shop_row("xsight-demo.myshopify.com")[2]  # type: ignore[index]
    assert params["model"]["r"] == ModelParams().r and params["generated"]["orders"] == len(orders)


def test_bgnbd_simulation_matches_its_expectation() -> None:
    params = ModelParams()
    rng = np.random.default_rng(3)
    horizons = rng.uniform(0, 730, size=40_000)
    mean = simulate_counts(params, horizons, rng).mean()
    assert abs(mean - orders_per_customer(params, 730)) < 0.05
    slow = plan_sizes(100, 150, 730.0, params)[1]
    fast = plan_sizes(100, 400, 730.0, params)[1]
    assert slow.alpha > fast.alpha  # a higher target rate means a smaller alpha (rate parameter)
    assert abs(orders_per_customer(fast, 730) - 4.0) < 0.1


def test_a_generation_interrupted_before_the_shop_row_is_redone_from_scratch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store stopped mid-generation (the demo's startup timeout) must not break the next start."""
    import xsight.devstore.generator as generator

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:  # stop after customers and orders are written
        patch.setattr(generator, "_finish_customers", killed)
        with pytest.raises(KeyboardInterrupt):
            generate_shop(Storage(tmp_path / "s.sqlite"), ShopSpec(seed=7))
    left = Storage(tmp_path / "s.sqlite")
    assert left.query("SELECT count(*) FROM orders")[0][0] > 0 and left.shop_row(ShopSpec().domain) is None
    left.close()
    redone = _dump(tmp_path / "s.sqlite", ShopSpec(seed=7))
    assert redone == _dump(tmp_path / "clean.sqlite", ShopSpec(seed=7))
