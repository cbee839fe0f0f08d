"""customer_predictions: unique (shop_id, customer_key) for upserts; drop the unused (shop_id, run) index

Revision ID: 0010
Revises: 0007
Create Date: 2026-11-26 14:10:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # Two overlapping recomputes could have left a key twice (PostgreSQL, read committed): keep the newest.
    op.execute("DELETE FROM customer_predictions WHERE id NOT IN "
               "(SELECT max(id) FROM customer_predictions GROUP BY shop_id, customer_key)")
    with op.batch_alter_table('customer_predictions', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_predictions_shop_run')
        batch_op.drop_index('ix_customer_predictions_shop_key')
        batch_op.create_index('ux_customer_predictions_shop_key', ['shop_id', 'customer_key'], unique=True)


def downgrade():
    with op.batch_alter_table('customer_predictions', schema=None) as batch_op:
        batch_op.drop_index('ux_customer_predictions_shop_key')
        batch_op.create_index('ix_customer_predictions_shop_key', ['shop_id', 'customer_key'], unique=False)
        batch_op.create_index('ix_customer_predictions_shop_run', ['shop_id', 'model_run_id'], unique=False)
