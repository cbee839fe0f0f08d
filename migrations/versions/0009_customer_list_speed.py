"""customer list speed: stored name key, indexes for the list's sorts, tag rows, facts version (decision 047)

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-26 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
SORT_INDEXES = (('ix_customer_facts_shop_name', 'name_key'), ('ix_customer_facts_shop_orders', 'number_of_orders'),
                ('ix_customer_facts_shop_first', 'first_order_date'), ('ix_customer_facts_shop_p_alive', 'p_alive'),
                ('ix_customer_facts_shop_clv', 'predicted_clv'), ('ix_customer_facts_shop_created', 'created_at'))
# The same statements as xsight.services.crm.facts (name_key, _fill_tags), for the rows already there.
TAG_KEY = {'postgresql': "translate(j.value, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')",
           'sqlite': 'lower(j.value)'}
TAG_ITEMS = {'postgresql': 'CROSS JOIN LATERAL jsonb_array_elements_text(f.customer_tags) AS j(value)',
             'sqlite': 'CROSS JOIN json_each(f.customer_tags) AS j'}


def _tenant(table):
    return [
        sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
        sa.Column('shop_id', BIG_ID, nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f(f'fk_{table}_shop_id_shops'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def upgrade():
    with op.batch_alter_table('customer_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=511), nullable=True))
    op.execute("UPDATE customer_facts SET name_key = "
               "NULLIF(LOWER(TRIM(COALESCE(first_name, '') || ' ' || COALESCE(last_name, ''))), '')")
    with op.batch_alter_table('customer_facts', schema=None) as batch_op:
        for name, column in SORT_INDEXES:
            batch_op.create_index(name, ['shop_id', column, 'customer_id'], unique=False)

    op.create_table('customer_fact_tags',
    sa.Column('customer_id', BIG_ID, nullable=False),
    sa.Column('tag', sa.Text(), nullable=False),
    sa.Column('tag_key', sa.Text(), nullable=False),
    *_tenant('customer_fact_tags'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                            name=op.f('fk_customer_fact_tags_customer_id_customers'), ondelete='CASCADE'),
    sa.UniqueConstraint('shop_id', 'customer_id', 'tag', name=op.f('uq_customer_fact_tags_shop_id_customer_id_tag'))
    )
    with op.batch_alter_table('customer_fact_tags', schema=None) as batch_op:
        batch_op.create_index('ix_customer_fact_tags_shop_key', ['shop_id', 'tag_key', 'customer_id', 'tag'],
                              unique=False)
    dialect = op.get_bind().dialect.name
    op.execute(f"""
        INSERT INTO customer_fact_tags (shop_id, customer_id, tag, tag_key)
        SELECT DISTINCT f.shop_id, f.customer_id, j.value, {TAG_KEY[dialect]}
        FROM customer_facts AS f {TAG_ITEMS[dialect]}""")

    op.create_table('customer_facts_versions',
    sa.Column('token', sa.BigInteger(), nullable=False),
    *_tenant('customer_facts_versions'),
    sa.UniqueConstraint('shop_id', name=op.f('uq_customer_facts_versions_shop_id'))
    )


def downgrade():
    op.drop_table('customer_facts_versions')
    with op.batch_alter_table('customer_fact_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_fact_tags_shop_key')
    op.drop_table('customer_fact_tags')
    with op.batch_alter_table('customer_facts', schema=None) as batch_op:
        for name, _ in SORT_INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_column('name_key')
