"""customers, orders, order_line_items: no foreign keys; triggers on shops, orders and customers do the delete actions (decision 079)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 02:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

FOREIGN_KEYS = (('customers', 'fk_customers_shop_id_shops', 'shops', 'shop_id', 'CASCADE'),
                ('orders', 'fk_orders_shop_id_shops', 'shops', 'shop_id', 'CASCADE'),
                ('orders', 'fk_orders_customer_id_customers', 'customers', 'customer_id', 'SET NULL'),
                ('order_line_items', 'fk_order_line_items_shop_id_shops', 'shops', 'shop_id', 'CASCADE'),
                ('order_line_items', 'fk_order_line_items_order_id_orders', 'orders', 'order_id', 'CASCADE'))
# The same statements as xsight.models.raw_links at this revision, frozen here.
SQLITE_DDL = (
    'CREATE TRIGGER IF NOT EXISTS raw_rows_shop_gone BEFORE DELETE ON shops BEGIN DELETE FROM order_line_items WHERE shop_id = old.id; DELETE FROM orders WHERE shop_id = old.id; DELETE FROM customers WHERE shop_id = old.id; END',
    'CREATE TRIGGER IF NOT EXISTS order_line_items_order_gone AFTER DELETE ON orders BEGIN DELETE FROM order_line_items WHERE shop_id = old.shop_id AND order_id = old.id; END',
    'CREATE TRIGGER IF NOT EXISTS orders_customer_gone AFTER DELETE ON customers BEGIN UPDATE orders SET customer_id = NULL WHERE shop_id = old.shop_id AND customer_id = old.id; END',
)
POSTGRES_DDL = (
    'CREATE OR REPLACE FUNCTION raw_rows_shop_gone() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM order_line_items WHERE shop_id = OLD.id; DELETE FROM orders WHERE shop_id = OLD.id; DELETE FROM customers WHERE shop_id = OLD.id; RETURN OLD; END $$',
    'CREATE OR REPLACE FUNCTION order_line_items_order_gone() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM order_line_items l USING gone WHERE l.shop_id = gone.shop_id AND l.order_id = gone.id; RETURN NULL; END $$',
    'CREATE OR REPLACE FUNCTION orders_customer_gone() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE orders o SET customer_id = NULL FROM gone WHERE o.shop_id = gone.shop_id AND o.customer_id = gone.id; RETURN NULL; END $$',
    'CREATE OR REPLACE TRIGGER raw_rows_shop_gone BEFORE DELETE ON shops FOR EACH ROW EXECUTE FUNCTION raw_rows_shop_gone()',
    'CREATE OR REPLACE TRIGGER order_line_items_order_gone AFTER DELETE ON orders REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION order_line_items_order_gone()',
    'CREATE OR REPLACE TRIGGER orders_customer_gone AFTER DELETE ON customers REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION orders_customer_gone()',
)
TRIGGERS = (('raw_rows_shop_gone', 'shops'), ('order_line_items_order_gone', 'orders'),
            ('orders_customer_gone', 'customers'))
# SQLite rebuilds a table to drop a constraint, and a dropped table's triggers go with it: this one of
# migration 0013 (customer_predictions) is on customers, so it is created again.
SQLITE_PREDICTIONS_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS customer_predictions_customer_gone AFTER DELETE ON customers "
    "BEGIN UPDATE customer_predictions SET customer_id = NULL "
    "WHERE shop_id = old.shop_id AND customer_id = old.id; END")


def _drop_keys(keys):
    for table in dict.fromkeys(key[0] for key in keys):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for _, name, _, _, _ in (key for key in keys if key[0] == table):
                batch_op.drop_constraint(name, type_='foreignkey')


def upgrade():
    # Each constraint cost a SELECT ... FOR KEY SHARE of the parent per written row on PostgreSQL (about
    # 6M at 1M orders); the writers resolve parent ids in the writing statement and claim the shop once
    # per transaction. On SQLite the tables are rebuilt with foreign-key enforcement off (migrations/env.py),
    # so dropping the old tables cascades nothing.
    _drop_keys(FOREIGN_KEYS)
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute(SQLITE_PREDICTIONS_TRIGGER)
    for statement in SQLITE_DDL if sqlite else POSTGRES_DDL:
        op.execute(statement)


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for name, table in TRIGGERS:
        op.execute(f'DROP TRIGGER IF EXISTS {name}' if sqlite else f'DROP TRIGGER IF EXISTS {name} ON {table}')
        if not sqlite:
            op.execute(f'DROP FUNCTION IF EXISTS {name}()')
    for table in dict.fromkeys(key[0] for key in FOREIGN_KEYS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for _, name, parent, column, action in (key for key in FOREIGN_KEYS if key[0] == table):
                batch_op.create_foreign_key(name, parent, [column], ['id'], ondelete=action)
    if sqlite:
        op.execute(SQLITE_PREDICTIONS_TRIGGER)
