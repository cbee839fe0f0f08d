"""range rollups: customer days, distinct-count grid, monthly spend lists (decision 032)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _tenant(table):
    return [
        sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
        sa.Column('shop_id', BIG_ID, nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f(f'fk_{table}_shop_id_shops'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def upgrade():
    op.create_table('customer_days',
    sa.Column('customer_key', sa.String(length=340), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('day_number', sa.Integer(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('net', sa.BigInteger(), nullable=False),
    sa.Column('lq_orders', sa.Integer(), nullable=False),
    sa.Column('lq_net', sa.BigInteger(), nullable=False),
    sa.Column('is_returning', sa.SmallInteger(), nullable=False),
    sa.Column('first_order', sa.SmallInteger(), nullable=False),
    sa.Column('prev_number', sa.Integer(), nullable=True),
    sa.Column('prev_returning_number', sa.Integer(), nullable=True),
    *_tenant('customer_days'),
    sa.UniqueConstraint('shop_id', 'customer_key', 'day_number',
                        name=op.f('uq_customer_days_shop_id_customer_key_day_number'))
    )
    with op.batch_alter_table('customer_days', schema=None) as batch_op:
        batch_op.create_index('ix_customer_days_shop_prev', ['shop_id', 'prev_number', 'day_number'], unique=False)
        batch_op.create_index('ix_customer_days_shop_prev_returning',
                              ['shop_id', 'prev_returning_number', 'day_number'], unique=False)

    op.create_table('range_counts',
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('bucket', sa.Integer(), nullable=False),
    sa.Column('prev_week', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    *_tenant('range_counts'),
    sa.UniqueConstraint('shop_id', 'kind', 'level', 'bucket', 'prev_week',
                        name=op.f('uq_range_counts_shop_id_kind_level_bucket_prev_week'))
    )
    op.create_table('customer_month_spend',
    sa.Column('customer_key', sa.String(length=340), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('positive', sa.BigInteger(), nullable=False),
    *_tenant('customer_month_spend'),
    sa.UniqueConstraint('shop_id', 'customer_key', 'month',
                        name=op.f('uq_customer_month_spend_shop_id_customer_key_month'))
    )
    with op.batch_alter_table('customer_month_spend', schema=None) as batch_op:
        batch_op.create_index('ix_customer_month_spend_list', ['shop_id', 'month', 'positive', 'customer_key'],
                              unique=False)
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_index('ix_order_events_shop_range')
    # Existing shops: derive the new tables from their order events and customer stats now.
    from sqlalchemy.orm import Session

    from xsight.services import range_rollup

    session = Session(bind=op.get_bind())
    for (shop_id,) in session.execute(sa.text("SELECT id FROM shops")).all():
        range_rollup.fill_shop(session, shop_id)
    session.flush()


def downgrade():
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.create_index('ix_order_events_shop_range', ['shop_id', 'kind', 'counted', 'local_date',
                              'customer_key', 'attributed_net', 'processed_at', 'order_gid'], unique=False)
    with op.batch_alter_table('customer_month_spend', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_month_spend_list')
    op.drop_table('customer_month_spend')
    op.drop_table('range_counts')
    with op.batch_alter_table('customer_days', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_days_shop_prev_returning')
        batch_op.drop_index('ix_customer_days_shop_prev')
    op.drop_table('customer_days')
