"""Delete actions for the bulk-loaded tables' links, done by triggers instead of foreign keys.

`customers`, `orders` and `order_line_items` hold a 10^6-order shop's rows; on PostgreSQL each of
their foreign keys cost a `SELECT … FOR KEY SHARE` of the parent per written row (about 6M at 1M
orders, a quarter of the backfill: decision 079). The writers take every parent id from a row
of the same shop, read in the writing transaction, and claim the shop once per transaction
(`locks.claim_shop`), so the constraints checked nothing new; what their ON DELETE actions did
is done here, by the statement that deletes:

- a shop is deleted → its line items, orders and customers go first (BEFORE, children first, so
  the row triggers below find nothing left to touch);
- an order is deleted → its line items go (was ON DELETE CASCADE);
- a customer row is deleted → orders naming it get `customer_id = NULL` (was ON DELETE SET NULL;
  only the customer's own shop's orders, the only ones ever linked to it).

SQLite: row triggers. PostgreSQL: a row trigger on shops, statement triggers with transition
tables on orders and customers (one join per delete statement). None is in SQLAlchemy's metadata:
they are created after the tables (`create_all`) and by migration 0015.
"""

from __future__ import annotations

from typing import Any

from xsight.models import trigger_ddl

# Constant SQL text (no value is ever formatted into it).
SQLITE_DDL = (
    "CREATE TRIGGER IF NOT EXISTS raw_rows_shop_gone BEFORE DELETE ON shops BEGIN "
    "DELETE FROM order_line_items WHERE shop_id = old.id; "
    "DELETE FROM orders WHERE shop_id = old.id; "
    "DELETE FROM customers WHERE shop_id = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS order_line_items_order_gone AFTER DELETE ON orders "
    "BEGIN DELETE FROM order_line_items WHERE shop_id = old.shop_id AND order_id = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS orders_customer_gone AFTER DELETE ON customers "
    "BEGIN UPDATE orders SET customer_id = NULL "
    "WHERE shop_id = old.shop_id AND customer_id = old.id; END",
)
POSTGRES_DDL = (
    "CREATE OR REPLACE FUNCTION raw_rows_shop_gone() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "DELETE FROM order_line_items WHERE shop_id = OLD.id; "
    "DELETE FROM orders WHERE shop_id = OLD.id; "
    "DELETE FROM customers WHERE shop_id = OLD.id; RETURN OLD; END $$",
    "CREATE OR REPLACE FUNCTION order_line_items_order_gone() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN DELETE FROM order_line_items l USING gone "
    "WHERE l.shop_id = gone.shop_id AND l.order_id = gone.id; RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION orders_customer_gone() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN UPDATE orders o SET customer_id = NULL FROM gone "
    "WHERE o.shop_id = gone.shop_id AND o.customer_id = gone.id; RETURN NULL; END $$",
    "CREATE OR REPLACE TRIGGER raw_rows_shop_gone BEFORE DELETE ON shops "
    "FOR EACH ROW EXECUTE FUNCTION raw_rows_shop_gone()",
    "CREATE OR REPLACE TRIGGER order_line_items_order_gone AFTER DELETE ON orders "
    "REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION order_line_items_order_gone()",
    "CREATE OR REPLACE TRIGGER orders_customer_gone AFTER DELETE ON customers "
    "REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION orders_customer_gone()",
)
TRIGGERS = (("raw_rows_shop_gone", "shops"), ("order_line_items_order_gone", "orders"),
            ("orders_customer_gone", "customers"))
TABLES = ("shops", "customers", "orders", "order_line_items")


def _tables_exist(connection: Any) -> bool:
    """True when every table the triggers name exists (a partial or empty schema has none)."""
    if connection.dialect.name == "postgresql":
        found = connection.exec_driver_sql(
            "SELECT count(to_regclass(t)) FROM unnest(%(names)s::text[]) t", {"names": list(TABLES)})
    else:
        found = connection.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (?, ?, ?, ?)", TABLES)
    return bool(found.scalar() == len(TABLES))


def install(connection: Any) -> None:
    """Create the triggers of this backend (idempotent)."""
    if connection.dialect.name in ("sqlite", "postgresql") and _tables_exist(connection):
        trigger_ddl.create(connection, SQLITE_DDL, POSTGRES_DDL)


def uninstall(connection: Any) -> None:
    """Drop the triggers (and, on PostgreSQL, their functions)."""
    if connection.dialect.name == "postgresql" and not _tables_exist(connection):
        return  # nothing was created (and DROP TRIGGER … ON fails for a missing table)
    trigger_ddl.drop(connection, TRIGGERS)


def after_create(target: Any, connection: Any, **_: Any) -> None:
    """Create the triggers once every table exists (metadata `create_all`)."""
    install(connection)


def before_drop(target: Any, connection: Any, **_: Any) -> None:
    """Drop the triggers while their tables still exist (metadata `drop_all`)."""
    uninstall(connection)
