"""customer_predictions: drop the (shop_id, model_run_id) index no query uses (decision 033)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 14:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # Rows are read by (shop_id, customer_key) and by (shop_id, churn_risk, clv_12m); the run index only
    # cost a B-tree write per row on each recompute's delete and insert.
    with op.batch_alter_table('customer_predictions', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_predictions_shop_run')


def downgrade():
    with op.batch_alter_table('customer_predictions', schema=None) as batch_op:
        batch_op.create_index('ix_customer_predictions_shop_run', ['shop_id', 'model_run_id'], unique=False)
