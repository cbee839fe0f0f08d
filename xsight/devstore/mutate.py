"""Change the store the way merchants and buyers do, and emit the matching webhooks."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import numpy as np

from .catalog import pick_country
from .generator import _customer_doc, customer_row, order_row
from .orders import build_order, cancel_order, net_spent, refund_order
from .payloads import order_payload, refund_payload
from .payloads_catalog import customer_payload, product_payload
from .values import make_id, ts


class Mutator:
    """Apply one change at a time (a lock serialises writers) and emit webhooks for it."""

    def __init__(self, services: Any) -> None:
        self.svc = services
        self.rng = np.random.default_rng([services.config.seed, 99])
        self._lock = threading.Lock()

    def _shop(self, shop: str) -> tuple[int, dict[str, Any], dict[str, Any]]:
        row = self.svc.storage.shop_row(shop)
        if row is None:
            raise LookupError(f"Shop {shop} is not in this store.")
        return row

    def _ids(self, conn: sqlite3.Connection, shop: str) -> Callable[[str], int]:
        shop_no = self._shop(shop)[0]
        return lambda kind: make_id(shop_no, kind, self.svc.storage.next_seq(conn, shop, kind) + 1)

    def _currency(self, shop: str) -> str:
        return str(self._shop(shop)[1]["currencyCode"])

    def _load(self, conn: sqlite3.Connection, table: str, shop: str, oid: int) -> dict[str, Any] | None:
        row = conn.execute(f"SELECT doc FROM {table} WHERE id=? AND shop=?", (oid, shop)).fetchone()  # noqa: S608
        return json.loads(row[0]) if row else None

    def _save_customer(self, conn: sqlite3.Connection, shop: str, c: dict[str, Any]) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO customers (id, shop, created_at, updated_at, doc) VALUES (?,?,?,?,?)",
            customer_row(shop, c),
        )

    def _save_order(self, conn: sqlite3.Connection, shop: str, o: dict[str, Any], spend: int) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO orders (id, shop, customer_id, created_at, updated_at, processed_at, "
            "total_cents, refunded_cents, cancelled, test, spend_cents, doc) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?,?)",
            order_row(shop, o, spend),
        )

    def _random_id(self, conn: sqlite3.Connection, table: str, shop: str, where: str = "1") -> int | None:
        row = conn.execute(
            f"SELECT id FROM {table} WHERE shop=? AND {where} ORDER BY RANDOM() LIMIT 1",  # noqa: S608
            (shop,),
        ).fetchone()
        return int(row[0]) if row else None

    def retag_customer(self, shop: str, cid: int, tags: list[str], add: bool) -> dict[str, Any]:
        """Add or remove customer tags; bump updatedAt and fire customers/update."""
        with self._lock, self.svc.storage.write() as conn:
            c = self._load(conn, "customers", shop, cid)
            assert c is not None
            clean = {t.strip() for t in tags if t.strip()}
            c["tags"] = sorted(set(c["tags"]) | clean) if add else sorted(set(c["tags"]) - clean)
            c["updatedAt"] = ts(time.time())
            self._save_customer(conn, shop, c)
        self.svc.webhooks.emit(shop, "customers/update", customer_payload(c, self._currency(shop)))
        return c

    def create_order(self, shop: str, new_customer: bool = False) -> dict[str, Any]:
        """Place an order now, for a new or an existing customer; fire orders/create and customers/*."""
        events: list[tuple[str, dict[str, Any]]] = []
        with self._lock, self.svc.storage.write() as conn:
            new_id = self._ids(conn, shop)
            cid = None if new_customer else self._random_id(conn, "customers", shop)
            c = self._load(conn, "customers", shop, cid) if cid else None
            now = time.time()
            if c is None:
                seq = self.svc.storage.next_seq(conn, shop, "Customer") + 1
                c = _customer_doc(
                    seq, make_id(self._shop(shop)[0], "Customer", seq), pick_country(self.rng), self.rng
                )
                c["createdAt"] = ts(now)
                events.append(("customers/create", c))
            params = self._shop(shop)[2]["model"]
            nu = self.rng.gamma(params["q"], 1.0 / params["gamma"])
            spend = max(100, round(float(self.rng.gamma(params["p"], 1.0 / nu)) * 100))
            products = [
                json.loads(r[0]) for r in conn.execute("SELECT doc FROM products WHERE shop=?", (shop,))
            ]
            number = self.svc.storage.next_seq(conn, shop, "OrderNumber") + 1
            o = build_order(
                number=number,
                when=now,
                customer=c,
                spend=spend,
                products=products,
                rng=self.rng,
                new_id=new_id,
                currency=self._currency(shop),
                now=now,
            )
            o.pop("spend")
            c["numberOfOrders"] += 1
            c["amountSpent"] += net_spent(o)
            c["updatedAt"] = ts(now)
            self._save_order(conn, shop, o, spend)
            self._save_customer(conn, shop, c)
        events.append(("customers/update", c))
        self._emit_order(shop, "orders/create", o, c)
        for topic, doc in events:
            self.svc.webhooks.emit(shop, topic, customer_payload(doc, self._currency(shop)))
        return o

    def _emit_order(
        self, shop: str, topic: str, o: dict[str, Any], c: dict[str, Any] | None, event_id: str | None = None
    ) -> None:
        self.svc.webhooks.emit(shop, topic, order_payload(o, c, self._currency(shop)), event_id)

    def refund(self, shop: str, oid: int | None = None, full: bool = False) -> dict[str, Any] | None:
        """Refund an order (random open one by default); fire refunds/create and orders/updated."""
        with self._lock, self.svc.storage.write() as conn:
            oid = oid or self._random_id(conn, "orders", shop, "cancelled=0 AND refunded_cents < total_cents")
            o = self._load(conn, "orders", shop, oid) if oid else None
            if o is None:
                return None
            refund = refund_order(o, time.time(), full, self.rng, self._ids(conn, shop))
            if refund is None:
                return None
            spend = conn.execute("SELECT spend_cents FROM orders WHERE id=?", (o["id"],)).fetchone()[0]
            self._save_order(conn, shop, o, spend)
            c = self._adjust_customer(conn, shop, o, -refund["total"])
        event = str(uuid.uuid4())
        self.svc.webhooks.emit(shop, "refunds/create", refund_payload(o, refund), event)
        self._emit_order(shop, "orders/updated", o, c, event)
        return refund

    def _adjust_customer(
        self, conn: sqlite3.Connection, shop: str, o: dict[str, Any], delta: int
    ) -> dict[str, Any] | None:
        c = self._load(conn, "customers", shop, o["customerId"]) if o["customerId"] else None
        if c is not None and not o["test"]:
            c["amountSpent"] += delta
            c["updatedAt"] = ts(time.time())
            self._save_customer(conn, shop, c)
        return c

    def cancel(self, shop: str, oid: int | None = None) -> dict[str, Any] | None:
        """Cancel an open order with a refund; fire orders/cancelled, orders/updated (and refunds/create)."""
        with self._lock, self.svc.storage.write() as conn:
            oid = oid or self._random_id(conn, "orders", shop, "cancelled=0 AND refunded_cents = 0")
            o = self._load(conn, "orders", shop, oid) if oid else None
            if o is None or o["cancelledAt"]:
                return None
            before = net_spent(o)
            refund = cancel_order(o, time.time(), "CUSTOMER", True, self.rng, self._ids(conn, shop))
            spend = conn.execute("SELECT spend_cents FROM orders WHERE id=?", (o["id"],)).fetchone()[0]
            self._save_order(conn, shop, o, spend)
            c = self._adjust_customer(conn, shop, o, net_spent(o) - before)
        event = str(uuid.uuid4())
        self._emit_order(shop, "orders/cancelled", o, c, event)
        if refund is not None:
            self.svc.webhooks.emit(shop, "refunds/create", refund_payload(o, refund), event)
        self._emit_order(shop, "orders/updated", o, c, event)
        return o

    def update_customer(self, shop: str, cid: int | None = None) -> dict[str, Any] | None:
        """Flip a customer's email marketing state; fire customers/update."""
        with self._lock, self.svc.storage.write() as conn:
            cid = cid or self._random_id(conn, "customers", shop)
            c = self._load(conn, "customers", shop, cid) if cid else None
            if c is None:
                return None
            c["marketingState"] = "UNSUBSCRIBED" if c["marketingState"] == "SUBSCRIBED" else "SUBSCRIBED"
            c["updatedAt"] = ts(time.time())
            self._save_customer(conn, shop, c)
        self.svc.webhooks.emit(shop, "customers/update", customer_payload(c, self._currency(shop)))
        return c

    def update_product(self, shop: str) -> dict[str, Any] | None:
        """Change a product's tags; fire products/update."""
        with self._lock, self.svc.storage.write() as conn:
            pid = self._random_id(conn, "products", shop)
            p = self._load(conn, "products", shop, pid) if pid else None
            if p is None:
                return None
            p["tags"] = sorted(set(p["tags"]) ^ {"featured"})
            p["updatedAt"] = ts(time.time())
            conn.execute(
                "UPDATE products SET updated_at=?, doc=? WHERE id=?", (p["updatedAt"], json.dumps(p), pid)
            )
        self.svc.webhooks.emit(shop, "products/update", product_payload(p))
        return p

    def create_product(self, shop: str) -> dict[str, Any] | None:
        """Add a product (a new edition of an existing one); fire products/create."""
        with self._lock, self.svc.storage.write() as conn:
            pid = self._random_id(conn, "products", shop, "doc NOT LIKE '%\"isGiftCard\":true%'")
            base = self._load(conn, "products", shop, pid) if pid else None
            if base is None:
                return None
            new_id = self._ids(conn, shop)
            stamp = ts(time.time())
            p = {**base, "id": new_id("Product"), "createdAt": stamp, "updatedAt": stamp}
            p["title"] = f"{base['title']} Edition {p['id'] % 1000}"
            p["handle"] = p["title"].lower().replace(" ", "-")
            p["variants"] = [{**v, "id": new_id("ProductVariant")} for v in base["variants"]]
            conn.execute(
                "INSERT INTO products (id, shop, created_at, updated_at, doc) VALUES (?,?,?,?,?)",
                (p["id"], shop, stamp, stamp, json.dumps(p)),
            )
        self.svc.webhooks.emit(shop, "products/create", product_payload(p))
        return p

    def delete(self, shop: str, kind: str, oid: int) -> bool:
        """Delete an order, customer or product; fire {kind}s/delete."""
        table = {"order": "orders", "customer": "customers", "product": "products"}[kind]
        with self._lock, self.svc.storage.write() as conn:
            gone = conn.execute(f"DELETE FROM {table} WHERE id=? AND shop=?", (oid, shop)).rowcount  # noqa: S608
        if gone:
            payload: dict[str, Any] = {"id": oid}
            if kind == "customer":
                payload.update(tax_exemptions=[], admin_graphql_api_id=f"gid://shopify/Customer/{oid}")
            self.svc.webhooks.emit(shop, f"{table}/delete", payload)
        return bool(gone)
