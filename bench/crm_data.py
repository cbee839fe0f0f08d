"""Build a CRM-sized shop fast: N customers with stats, predictions, orders and line items, set-based.

Every table is filled by one INSERT ... SELECT over a generated sequence (no rows in Python), so
200k customers take seconds on SQLite and PostgreSQL alike. Values are deterministic functions of
the customer number n: with ties (many share a value) and NULLs (every 5th customer has no stats or
predictions, some have no name or country) so sorts and filters meet both.

Use: `build(db.session, shop_id, 200_000)` inside an app context; the lead's segment benchmarks
reuse it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, scoped_session

from xsight.models import ModelRun
from xsight.models.types import utcnow
from xsight.services.crm import facts

RFM = ("CHAMPIONS", "LOYAL", "ACTIVE", "NEW", "PROMISING", "NEEDS_ATTENTION", "ALMOST_LOST", "AT_RISK",
       "PREVIOUSLY_LOYAL", "DORMANT")
BASE_DAY = "2024-01-01"


def _dialect(session: Session | scoped_session[Any]) -> str:
    return str(session.get_bind().dialect.name)


def _sql(dialect: str) -> dict[str, str]:
    """Return the per-dialect pieces: the sequence, timestamps, dates and JSON."""
    if dialect == "postgresql":
        return {"seq": "SELECT n FROM generate_series(CAST(1 AS BIGINT), CAST(:n AS BIGINT)) AS seq(n)",
                "ts": "(TIMESTAMPTZ '2024-01-01 00:00:00+00' + ({d}) * INTERVAL '1 day'"
                      " + ({m}) * INTERVAL '1 minute')",
                "day": "(DATE '2024-01-01' + ({d})::int)", "json": "CAST({x} AS JSONB)",
                "now": "now()"}
    return {"seq": "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :n) "
                   "SELECT n FROM seq",
            "ts": "(strftime('%Y-%m-%d %H:%M:%S', '2024-01-01', '+' || ({d}) || ' days', "
                  "'+' || ({m}) || ' minutes') || '.000000')",
            "day": "date('2024-01-01', '+' || ({d}) || ' days')", "json": "{x}",
            "now": "strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000'"}


def build(session: Session | scoped_session[Any], shop_id: int, n: int, *, orders: bool = True) -> int:
    """Insert n customers (4 in 5 with stats, predictions and, if `orders`, one order with a line item).

    Return the id of the model run the predictions belong to.
    """
    q = _sql(_dialect(session))
    # k is a scrambled copy of n, so values do not simply follow insertion order.
    k = "((n * 7919) % 100003)"
    rfm = " ".join(f"WHEN {i} THEN '{g}'" for i, g in enumerate(RFM))
    params = {"n": n, "shop": shop_id}
    tags = q["json"].format(x="CASE n % 5 WHEN 0 THEN '[\"vip\"]' WHEN 1 THEN '[\"vip\", \"wholesale\"]' "
                              "ELSE '[]' END")
    session.execute(text(f"""
        INSERT INTO customers (shop_id, shopify_gid, first_name, last_name, email, country_code, tags,
                               state, email_marketing_state, shopify_created_at, synced_at)
        SELECT :shop, 'gid://shopify/Customer/' || n,
               CASE WHEN n % 50 = 0 THEN NULL ELSE 'Ann' || ({k} % 97) END,
               CASE WHEN n % 50 = 0 THEN NULL ELSE 'Lee' || n END,
               'c' || n || '@example.com',
               CASE n % 40 WHEN 0 THEN NULL WHEN 1 THEN 'GB' WHEN 2 THEN 'DE' WHEN 3 THEN 'FR' ELSE 'US' END,
               {tags},
               'enabled',
               CASE n % 3 WHEN 0 THEN 'subscribed' WHEN 1 THEN 'not_subscribed' ELSE 'unsubscribed' END,
               {q['ts'].format(d=f"{k} % 700", m="n % 1440")}, {q['now']}
        FROM ({q['seq']}) AS s"""), params)
    # Only customers 1..n of this build: their numbers are in the gid.
    mine = f"FROM ({q['seq']}) AS s WHERE n % 5 <> 4"
    session.execute(text(f"""
        INSERT INTO customer_stats (shop_id, customer_key, first_order_gid, first_order_at, first_order_date,
                                    last_order_at, last_order_date, lifetime_orders, gross_sales, discounts,
                                    returns, net_sales, avg_net_order_value)
        SELECT :shop, 'gid://shopify/Customer/' || n, 'gid://shopify/Order/' || n,
               {q['ts'].format(d=f"{k} % 300", m="0")}, {q['day'].format(d=f"{k} % 300")},
               {q['ts'].format(d=f"300 + {k} % 400", m="0")}, {q['day'].format(d=f"300 + {k} % 400")},
               1 + {k} % 9, ({k} % 5000) * 10000 + 10000, 0, 0, ({k} % 5000) * 10000,
               ({k} % 5000) * 10000 / (1 + {k} % 9)
        {mine}"""), params)
    run = ModelRun(shop_id=shop_id, status="succeeded", started_at=utcnow(), finished_at=utcnow(),
                   n_customers=n)
    session.add(run)
    session.flush()
    session.execute(text(f"""
        INSERT INTO customer_predictions (shop_id, model_run_id, customer_key, orders, net_sales,
                                          recency_days,
                                          p_alive, expected_30d, expected_90d, clv_12m, next_order_at,
                                          churn_risk, r, f, m, fm, rfm_group)
        SELECT :shop, :run, 'gid://shopify/Customer/' || n, 1 + {k} % 9, ({k} % 5000) * 10000, {k} % 400,
               ({k} % 1000) / 1000.0, ({k} % 100) / 100.0, ({k} % 300) / 100.0, ({k} % 20000) / 10.0,
               {q['day'].format(d=f"700 + {k} % 90")},
               CASE WHEN {k} % 1000 < 300 THEN 'high' WHEN {k} % 1000 < 700 THEN 'medium' ELSE 'low' END,
               1 + n % 5, 1 + {k} % 5, 1 + (n / 5) % 5, 1 + (n / 3) % 5,
               CASE {k} % 10 {rfm} END
        {mine}"""), params | {"run": run.id})
    if orders:
        _orders(session, q, params)
    facts.rebuild(session, shop_id)
    session.commit()
    return run.id


def _orders(session: Session | scoped_session[Any], q: dict[str, str], params: dict[str, Any]) -> None:
    """Give every customer with stats its first order (dated like the stats) with one line item."""
    session.execute(text(f"""
        INSERT INTO orders (shop_id, shopify_gid, name, customer_gid, customer_id, processed_at, test,
                            currency_code, financial_status, fulfillment_status, tags, subtotal,
                            total_discounts, total_shipping, total_tax, total_price, total_refunded,
                            taxes_included, synced_at)
        SELECT c.shop_id, 'gid://shopify/Order/' || substr(c.shopify_gid, 24),
               '#' || substr(c.shopify_gid, 24),
               c.shopify_gid, c.id, s.first_order_at, false, 'USD',
               CASE c.id % 3 WHEN 0 THEN 'paid' WHEN 1 THEN 'refunded' ELSE 'pending' END,
               CASE c.id % 2 WHEN 0 THEN 'fulfilled' ELSE NULL END, {q['json'].format(x="'[]'")},
               s.gross_sales, 0, 0, 0, s.gross_sales, 0, false, {q['now']}
        FROM customers c JOIN customer_stats s ON s.shop_id = c.shop_id AND s.customer_key = c.shopify_gid
        WHERE c.shop_id = :shop"""), params)
    session.execute(text(f"""
        INSERT INTO order_line_items (shop_id, shopify_gid, order_id, product_gid, variant_gid, title,
                                      quantity,
                                      original_unit_price, total_discount, total_tax, is_gift_card, synced_at)
        SELECT o.shop_id, o.shopify_gid || '/L0', o.id, 'gid://shopify/Product/' || (o.id % 50),
               'gid://shopify/ProductVariant/' || (o.id % 50), 'Product ' || (o.id % 50), 1, o.total_price,
               0, 0, false, {q['now']}
        FROM orders o WHERE o.shop_id = :shop"""), params)
