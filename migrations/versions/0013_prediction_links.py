"""customer_predictions: no foreign keys; triggers on shops, model runs and customers do the delete actions (decision 035)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 19:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

FOREIGN_KEYS = (('fk_customer_predictions_shop_id_shops', 'shops', 'shop_id', 'CASCADE'),
                ('fk_customer_predictions_model_run_id_model_runs', 'model_runs', 'model_run_id', 'CASCADE'),
                ('fk_customer_predictions_customer_id_customers', 'customers', 'customer_id', 'SET NULL'))
# The same statements as xsight.models.prediction_links at this revision, frozen here.
SQLITE_DDL = (
    "CREATE TRIGGER customer_predictions_shop_gone BEFORE DELETE ON shops "
    "BEGIN DELETE FROM customer_predictions WHERE shop_id = old.id; END",
    "CREATE TRIGGER customer_predictions_run_gone AFTER DELETE ON model_runs "
    "BEGIN DELETE FROM customer_predictions WHERE shop_id = old.shop_id AND model_run_id = old.id; END",
    "CREATE TRIGGER customer_predictions_customer_gone AFTER DELETE ON customers "
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
    "CREATE TRIGGER customer_predictions_shop_gone BEFORE DELETE ON shops "
    "FOR EACH ROW EXECUTE FUNCTION customer_predictions_shop_gone()",
    "CREATE TRIGGER customer_predictions_run_gone AFTER DELETE ON model_runs "
    "REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION customer_predictions_run_gone()",
    "CREATE TRIGGER customer_predictions_customer_gone AFTER DELETE ON customers "
    "REFERENCING OLD TABLE AS gone FOR EACH STATEMENT "
    "EXECUTE FUNCTION customer_predictions_customer_gone()",
)
TRIGGERS = (('customer_predictions_shop_gone', 'shops'), ('customer_predictions_run_gone', 'model_runs'),
            ('customer_predictions_customer_gone', 'customers'))


def upgrade():
    # Each constraint cost a check per written row (PostgreSQL: a SELECT ... FOR KEY SHARE per row and
    # key); the triggers cost nothing when predictions are written, only when a referenced row goes.
    with op.batch_alter_table('customer_predictions', schema=None) as batch_op:
        for name, _, _, _ in FOREIGN_KEYS:
            batch_op.drop_constraint(name, type_='foreignkey')
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for statement in SQLITE_DDL if sqlite else POSTGRES_DDL:
        op.execute(statement)


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for name, table in TRIGGERS:
        op.execute(f'DROP TRIGGER IF EXISTS {name}' if sqlite else f'DROP TRIGGER IF EXISTS {name} ON {table}')
        if not sqlite:
            op.execute(f'DROP FUNCTION IF EXISTS {name}()')
    with op.batch_alter_table('customer_predictions', schema=None) as batch_op:
        for name, table, column, action in FOREIGN_KEYS:
            batch_op.create_foreign_key(name, table, [column], ['id'], ondelete=action)
