"""Delete actions for `customer_predictions`, which has no foreign keys: triggers on the rows it names.

The table is derived data, replaced as a whole per run by one writer under the shop's lock, so its rows
carry no foreign-key constraints (each cost a check per written row: decision 035). The deletes the
constraints' ON DELETE actions did are done by triggers on the referenced tables instead, so every path
(a shop's redaction, a raw delete, a future retention job) still does them in the same statement:

- a shop is deleted → its prediction rows go first (BEFORE, so the cascades find none left to touch);
- a model run is deleted → its prediction rows go (was ON DELETE CASCADE);
- a customer row is deleted → predictions naming it get `customer_id = NULL` (was ON DELETE SET NULL;
  only rows of the customer's own shop, the only ones the writer ever links to it).

SQLite: row triggers. PostgreSQL: a row trigger on shops, statement triggers with transition tables on
customers and model runs (one join per delete statement, whatever its size). None is in SQLAlchemy's
metadata: they are created with `customer_predictions` (and by migration 0013).
"""

from __future__ import annotations

from typing import Any

from xsight.models import trigger_ddl

# Constant SQL text (no value is ever formatted into it).
SQLITE_DDL = (
    "CREATE TRIGGER IF NOT EXISTS customer_predictions_shop_gone BEFORE DELETE ON shops "
    "BEGIN DELETE FROM customer_predictions WHERE shop_id = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS customer_predictions_run_gone AFTER DELETE ON model_runs "
    "BEGIN DELETE FROM customer_predictions WHERE shop_id = old.shop_id AND model_run_id = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS customer_predictions_customer_gone AFTER DELETE ON customers "
    "BEGIN UPDATE customer_predictions SET customer_id = NULL "
    "WHERE shop_id = old.shop_id AND customer_id = old.id; END",
)
POSTGRES_DDL = (
    "CREATE OR REPLACE FUNCTION customer_predictions_shop_gone() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN DELETE FROM customer_predictions WHERE shop_id = OLD.id; RETURN OLD; END $$",
    "CREATE OR REPLACE FUNCTION customer_predictions_run_gone() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN DELETE FROM customer_predictions p USING gone "
    "WHERE p.shop_id = gone.shop_id AND p.model_run_id = gone.id; RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION customer_predictions_customer_gone() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN UPDATE customer_predictions p SET customer_id = NULL FROM gone "
    "WHERE p.shop_id = gone.shop_id AND p.customer_id = gone.id; RETURN NULL; END $$",
    "CREATE OR REPLACE TRIGGER customer_predictions_shop_gone BEFORE DELETE ON shops "
    "FOR EACH ROW EXECUTE FUNCTION customer_predictions_shop_gone()",
    "CREATE OR REPLACE TRIGGER customer_predictions_run_gone AFTER DELETE ON model_runs "
    "REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION customer_predictions_run_gone()",
    "CREATE OR REPLACE TRIGGER customer_predictions_customer_gone AFTER DELETE ON customers "
    "REFERENCING OLD TABLE AS gone FOR EACH STATEMENT "
    "EXECUTE FUNCTION customer_predictions_customer_gone()",
)
TRIGGERS = (("customer_predictions_shop_gone", "shops"), ("customer_predictions_run_gone", "model_runs"),
            ("customer_predictions_customer_gone", "customers"))


def install(connection: Any) -> None:
    """Create the triggers of this backend (idempotent)."""
    trigger_ddl.create(connection, SQLITE_DDL, POSTGRES_DDL)


def uninstall(connection: Any) -> None:
    """Drop the triggers (and, on PostgreSQL, their functions)."""
    trigger_ddl.drop(connection, TRIGGERS)


def after_create(target: Any, connection: Any, **_: Any) -> None:
    """Create the triggers with `customer_predictions` (metadata `create_all`; its parents exist)."""
    install(connection)


def before_drop(target: Any, connection: Any, **_: Any) -> None:
    """Drop the triggers before `customer_predictions` (metadata `drop_all`; its parents still exist)."""
    uninstall(connection)
