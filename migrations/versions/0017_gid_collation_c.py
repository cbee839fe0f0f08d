"""gid and customer-key columns compare byte by byte on PostgreSQL: COLLATE "C" (decision 088)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-27 20:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

GIDS = [
    ('customers', 'shopify_gid'), ('orders', 'shopify_gid'), ('orders', 'customer_gid'),
    ('order_line_items', 'shopify_gid'), ('order_line_items', 'product_gid'),
    ('order_line_items', 'variant_gid'), ('refunds', 'shopify_gid'),
    ('refund_line_items', 'shopify_gid'), ('refund_line_items', 'line_item_gid'),
    ('products', 'shopify_gid'), ('product_variants', 'shopify_gid'), ('shops', 'shopify_gid'),
    ('compliance_requests', 'customer_gid'), ('customer_facts', 'customer_gid'),
    ('customer_stats', 'first_order_gid'), ('deleted_objects', 'shopify_gid'),
    ('order_events', 'order_gid'),
]
# Joined with gids: a "C" column joined with a default-collation one compares in "C", which the
# other column's index cannot serve (a rollup join turned into nested scans): these change too.
CUSTOMER_KEYS = [
    ('order_events', 'customer_key'), ('customer_stats', 'customer_key'),
    ('customer_months', 'customer_key'), ('customer_predictions', 'customer_key'),
    ('customer_days', 'customer_key'), ('customer_month_spend', 'customer_key'),
]


def _collate(collation):
    # SQLite has no "C" collation to name and compares bytes already. On PostgreSQL the type stays
    # varchar(120): the rows are not rewritten, the indexes on each column are rebuilt.
    if op.get_bind().dialect.name != 'postgresql':
        return
    for columns, length in ((GIDS, 120), (CUSTOMER_KEYS, 340)):
        for table, column in columns:
            op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) COLLATE {collation}')


def upgrade():
    _collate('"C"')


def downgrade():
    _collate('"default"')
