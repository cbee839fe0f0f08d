"""deleted objects: tombstones so a late or stale write cannot bring a deleted order, product or customer back

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 15:10:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deleted_objects',
    sa.Column('shopify_gid', sa.String(length=120), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_deleted_objects_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deleted_objects')),
    sa.UniqueConstraint('shop_id', 'shopify_gid', name=op.f('uq_deleted_objects_shop_id_shopify_gid'))
    )


def downgrade():
    op.drop_table('deleted_objects')
