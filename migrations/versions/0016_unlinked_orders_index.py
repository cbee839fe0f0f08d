"""orders: index the customer gid of unlinked orders only (decision 084)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 14:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

NAME, TABLE, COLUMNS = 'ix_orders_shop_customer_gid', 'orders', ['shop_id', 'customer_gid']
UNLINKED = sa.text('customer_id IS NULL')


def upgrade():
    # An order is found by its customer's gid only while it waits for that customer's row
    # (writer.link_orders_to_customers); a linked order is found by customer_id. The full index cost a
    # B-tree insert in random order for every order a backfill or webhook stored.
    # A stopped first load leaves this index to its next load (deferred_indexes): maybe absent.
    op.drop_index(NAME, table_name=TABLE, if_exists=True)
    op.create_index(NAME, TABLE, COLUMNS, unique=False,
                    postgresql_where=UNLINKED, sqlite_where=UNLINKED)


def downgrade():
    op.drop_index(NAME, table_name=TABLE, if_exists=True)
    op.create_index(NAME, TABLE, COLUMNS, unique=False)
