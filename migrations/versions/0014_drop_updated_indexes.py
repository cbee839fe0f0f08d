"""orders, customers: drop the (shop_id, shopify_updated_at) indexes no query uses (decision 078)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 23:05:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

INDEXES = (('orders', 'ix_orders_shop_updated'), ('customers', 'ix_customers_shop_updated'))


def upgrade():
    # Newest-wins compares a row with its stored version by (shop_id, shopify_gid); the incremental
    # sync's checkpoint comes from Shopify's answers. These indexes were only ever written: a B-tree
    # insert in random order for every order and customer a backfill or webhook stores.
    for table, name in INDEXES:
        op.drop_index(name, table_name=table)


def downgrade():
    for table, name in INDEXES:
        op.create_index(name, table, ['shop_id', 'shopify_updated_at'], unique=False)
