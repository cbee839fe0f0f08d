"""Generate a deterministic shop into the store's SQLite file, streaming in batches."""

from __future__ import annotations

import json
from array import array
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from .catalog import FIRST_NAMES, LAST_NAMES, build_products, pick_country
from .model import DAY_S, ModelParams, plan_sizes, purchase_times
from .orders import build_order as _build_order
from .orders import cancel_order, net_spent, refund_order
from .storage import Storage
from .values import make_id, ts

DEFAULT_SHOP = "xsight-demo.myshopify.com"
DEFAULT_END = datetime(2026, 11, 1, tzinfo=UTC).timestamp()
BATCH = 2_000  # rows per executemany
REFUND_PARTIAL_PROB = 0.08
REFUND_FULL_PROB = 0.03
CANCEL_PROB = 0.03
CANCEL_REASONS = ("CUSTOMER", "INVENTORY", "FRAUD", "DECLINED", "OTHER")
MARKETING = (("SUBSCRIBED", 0.4), ("NOT_SUBSCRIBED", 0.45), ("UNSUBSCRIBED", 0.15))
PLANS = {"Basic": 100.0, "Shopify": 100.0, "Advanced": 200.0, "Shopify Plus": 1000.0}
ORDER_SQL = (
    "INSERT INTO orders (id, shop, customer_id, created_at, updated_at, processed_at, total_cents, "
    "refunded_cents, cancelled, test, spend_cents, doc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)


@dataclass
class ShopSpec:
    """What to generate: shop identity, seed, sizes and time window."""

    domain: str = DEFAULT_SHOP
    seed: int = 1
    customers: int | None = None
    orders: int | None = None
    products: int = 50
    end: float = DEFAULT_END
    horizon_days: float = 730.0
    currency: str = "USD"
    timezone: str = "America/New_York"
    plan: str = "Basic"
    params: ModelParams = field(default_factory=ModelParams)

    def __post_init__(self) -> None:
        if self.customers is None and self.orders is None:
            self.customers, self.orders = 120, 250
        if self.plan not in PLANS:
            raise ValueError(f"Unknown plan {self.plan!r}; use one of {sorted(PLANS)}.")


def order_row(shop: str, doc: dict[str, Any], spend: int) -> tuple[Any, ...]:
    """Return the orders-table row for an order document."""
    return (
        doc["id"],
        shop,
        doc["customerId"],
        doc["createdAt"],
        doc["updatedAt"],
        doc["processedAt"],
        doc["total"],
        doc["refunded"],
        int(doc["cancelledAt"] is not None),
        int(doc["test"]),
        spend,
        json.dumps(doc, separators=(",", ":")),
    )


def customer_row(shop: str, doc: dict[str, Any]) -> tuple[Any, ...]:
    """Return the customers-table row for a customer document."""
    return (doc["id"], shop, doc["createdAt"], doc["updatedAt"], json.dumps(doc, separators=(",", ":")))


class _Ids:
    def __init__(self, shop_no: int) -> None:
        self.shop_no, self.counts = shop_no, Counter[str]()

    def __call__(self, kind: str) -> int:
        self.counts[kind] += 1
        return make_id(self.shop_no, kind, self.counts[kind])


def _customer_doc(idx: int, cid: int, country: str, rng: np.random.Generator) -> dict[str, Any]:
    first = FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]
    last = LAST_NAMES[int(rng.integers(len(LAST_NAMES)))]
    marketing = MARKETING[int(rng.choice(len(MARKETING), p=[m[1] for m in MARKETING]))][0]
    tags = ["newsletter"] if marketing == "SUBSCRIBED" else []
    if rng.random() < 0.03:
        tags.append("wholesale")
    return {
        "id": cid,
        "firstName": first,
        "lastName": last,
        "email": f"{first}.{last}.{idx}@example.com".lower(),
        "marketingState": marketing,
        "phone": f"+1555{idx:07d}" if rng.random() < 0.5 else None,
        "tags": tags,
        "state": "ENABLED" if rng.random() < 0.6 else "DISABLED",
        "country": country,
        "numberOfOrders": 0,
        "amountSpent": 0,
    }


def generate_shop(storage: Storage, spec: ShopSpec) -> dict[str, Any]:
    """Generate a whole shop into `storage` and return its summary (sizes and parameters)."""
    if storage.shop_row(spec.domain) is not None:
        raise ValueError(f"Shop {spec.domain} already exists in {storage.path}; use another --db or domain.")
    _drop_unfinished(storage, spec.domain)
    rows = storage.query("SELECT COALESCE(MAX(shop_no), 0) FROM shops")
    shop_no = int(rows[0][0]) + 1
    ids = _Ids(shop_no)
    end, start = spec.end, spec.end - spec.horizon_days * DAY_S
    n_cust, params = plan_sizes(spec.customers, spec.orders, spec.horizon_days, spec.params)
    rng_pop, rng_orders = np.random.default_rng([spec.seed, 1]), np.random.default_rng([spec.seed, 2])
    products = build_products(shop_no, spec.products, np.random.default_rng([spec.seed, 0]), start)
    for p in products:
        p["createdAt"] = p["updatedAt"] = ts(p["createdAt"])
    with storage.write() as conn:
        conn.executemany(
            "INSERT INTO products (id, shop, created_at, updated_at, doc) VALUES (?,?,?,?,?)",
            [(p["id"], spec.domain, p["createdAt"], p["updatedAt"], json.dumps(p)) for p in products],
        )
    join = np.sort(rng_pop.uniform(start, end, size=n_cust))
    lam = rng_pop.gamma(params.r, 1.0 / params.alpha, size=n_cust)
    drop = rng_pop.beta(params.a, params.b, size=n_cust)
    nu = rng_pop.gamma(params.q, 1.0 / params.gamma, size=n_cust)
    countries = [pick_country(rng_pop) for _ in range(n_cust)]
    emails, tags = _write_customers(storage, spec.domain, shop_no, countries, join, rng_pop)
    times, owner = array("d"), array("l")
    for i in range(n_cust):
        ts_i = purchase_times(params, float(join[i]), end, rng_pop, float(lam[i]), float(drop[i]))
        times.extend(ts_i)
        owner.extend([i] * len(ts_i))
    order_idx = np.argsort(np.frombuffer(times, dtype=np.float64), kind="stable")
    spent = np.zeros(n_cust, dtype=np.int64)
    count = np.zeros(n_cust, dtype=np.int64)
    last_upd = join.copy()
    stats: Counter[str] = Counter()
    batch: list[tuple[Any, ...]] = []
    for number, k in enumerate(order_idx, start=1):
        c, when = owner[int(k)], times[int(k)]
        spend = max(100, round(float(rng_orders.gamma(params.p, 1.0 / nu[c])) * 100))
        doc = _build_order(
            number=number,
            when=when,
            customer={"id": make_id(shop_no, "Customer", c + 1), "email": emails[c], "country": countries[c]},
            spend=spend,
            products=products,
            rng=rng_orders,
            new_id=ids,
            currency=spec.currency,
            now=end,
        )
        _history(doc, when, end, rng_orders, ids, stats)
        spent[c] += net_spent(doc)
        count[c] += 1
        last_upd[c] = max(last_upd[c], _epoch(doc["updatedAt"]))
        doc.pop("spend")
        batch.append(order_row(spec.domain, doc, spend))
        if len(batch) >= BATCH:
            with storage.write() as conn:
                conn.executemany(ORDER_SQL, batch)
            batch.clear()
    with storage.write() as conn:
        conn.executemany(ORDER_SQL, batch)
    _finish_customers(
        storage, shop_no, join, last_upd, spent, count, tags, np.random.default_rng([spec.seed, 3])
    )
    summary = {"customers": n_cust, "orders": len(times), "products": len(products), **stats}
    # ids made outside _Ids: customers 1..n, products 0..n-1, variants product*10 + k
    ids.counts.update({"Customer": n_cust, "Product": len(products), "ProductVariant": len(products) * 10})
    _save_shop(storage, spec, shop_no, params, summary, ids)
    return summary


def _drop_unfinished(storage: Storage, domain: str) -> None:
    """Delete the rows an interrupted generation of this shop left (its shop row is written last)."""
    with storage.write() as conn:
        for table in ("orders", "customers", "products", "sequences"):
            conn.execute(f"DELETE FROM {table} WHERE shop = ?", (domain,))  # noqa: S608 - fixed names


CUSTOMER_SQL = "INSERT INTO customers (id, shop, created_at, updated_at, doc) VALUES (?,?,?,?,?)"
FINISH_SQL = (
    "UPDATE customers SET created_at=?, updated_at=?, doc=json_set(doc, '$.createdAt', ?, '$.updatedAt', ?, "
    "'$.amountSpent', ?, '$.numberOfOrders', ?, '$.tags', json(?)) WHERE id=?"
)


def _write_customers(
    storage: Storage,
    shop: str,
    shop_no: int,
    countries: list[str],
    join: np.ndarray,
    rng: np.random.Generator,
) -> tuple[list[str], list[tuple[str, ...]]]:
    """Write customer rows in batches; keep only their emails and tags (not the documents)."""
    emails: list[str] = []
    tags: list[tuple[str, ...]] = []
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    rows: list[tuple[Any, ...]] = []
    for i, country in enumerate(countries):
        doc = _customer_doc(i, make_id(shop_no, "Customer", i + 1), country, rng)
        doc["createdAt"] = doc["updatedAt"] = ts(float(join[i]))
        emails.append(doc["email"])
        tags.append(shared.setdefault(tuple(doc["tags"]), tuple(doc["tags"])))
        rows.append(customer_row(shop, doc))
        if len(rows) >= BATCH or i == len(countries) - 1:
            with storage.write() as conn:
                conn.executemany(CUSTOMER_SQL, rows)
            rows.clear()
    return emails, tags


def _finish_customers(
    storage: Storage,
    shop_no: int,
    join: np.ndarray,
    last_upd: np.ndarray,
    spent: np.ndarray,
    count: np.ndarray,
    tags: list[tuple[str, ...]],
    rng: np.random.Generator,
) -> None:
    """Set each customer's created/updated times, amountSpent, numberOfOrders and the vip tag."""
    rows: list[tuple[Any, ...]] = []
    for i in range(len(tags)):
        created, updated = ts(float(join[i]) - float(rng.uniform(60, 3600))), ts(float(last_upd[i]))
        final = sorted({*tags[i], "vip"}) if count[i] >= 5 else list(tags[i])
        rows.append(
            (
                created,
                updated,
                created,
                updated,
                int(spent[i]),
                int(count[i]),
                json.dumps(final),
                make_id(shop_no, "Customer", i + 1),
            )
        )
        if len(rows) >= BATCH or i == len(tags) - 1:
            with storage.write() as conn:
                conn.executemany(FINISH_SQL, rows)
            rows.clear()


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def _history(
    doc: dict[str, Any], when: float, end: float, rng: np.random.Generator, ids: _Ids, stats: Counter[str]
) -> None:
    """Apply the cancellations and refunds that happened to an order before `end`."""
    roll = rng.random()
    later = when + float(rng.uniform(0.5, 30)) * DAY_S
    if later >= end:
        return
    if roll < CANCEL_PROB:
        reason = CANCEL_REASONS[int(rng.integers(len(CANCEL_REASONS)))]
        cancel_order(doc, when + float(rng.uniform(600, 86_400)), reason, bool(rng.random() < 0.5), rng, ids)
        stats["cancelled"] += 1
    elif roll < CANCEL_PROB + REFUND_FULL_PROB + REFUND_PARTIAL_PROB:
        full = roll < CANCEL_PROB + REFUND_FULL_PROB
        if refund_order(doc, later, full, rng, ids):
            stats["refunded_full" if full else "refunded_partial"] += 1


def _save_shop(
    storage: Storage, spec: ShopSpec, shop_no: int, params: ModelParams, summary: dict[str, Any], ids: _Ids
) -> None:
    name = spec.domain.split(".")[0].replace("-", " ").title()
    doc = {
        "id": make_id(shop_no, "Customer", 0),
        "name": name,
        "email": f"owner@{spec.domain}",
        "myshopifyDomain": spec.domain,
        "currencyCode": spec.currency,
        "ianaTimezone": spec.timezone,
        "plan": spec.plan,
        "restoreRate": PLANS[spec.plan],
        "createdAt": ts(spec.end - spec.horizon_days * DAY_S),
    }
    spec_d = {k: v for k, v in asdict(spec).items() if k != "params"}
    meta = {"model": params.to_dict(), "spec": spec_d, "generated": summary}
    with storage.write() as conn:
        conn.execute(
            "INSERT INTO shops (domain, shop_no, doc, params) VALUES (?,?,?,?)",
            (spec.domain, shop_no, json.dumps(doc), json.dumps(meta)),
        )
        for kind, value in ids.counts.items():
            conn.execute(
                "INSERT INTO sequences (shop, kind, value) VALUES (?,?,?)", (spec.domain, kind, value)
            )
        conn.execute(
            "INSERT INTO sequences (shop, kind, value) VALUES (?,?,?)",
            (spec.domain, "OrderNumber", summary["orders"]),
        )
