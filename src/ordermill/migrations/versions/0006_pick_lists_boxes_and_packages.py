"""pick lists, the boxes each location packs into, and packages

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('location_boxes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('length_mm', sa.Integer(), nullable=False),
    sa.Column('width_mm', sa.Integer(), nullable=False),
    sa.Column('height_mm', sa.Integer(), nullable=False),
    sa.Column('max_weight_g', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_location_boxes_location_id_locations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location_boxes')),
    sa.UniqueConstraint('location_id', 'code', name=op.f('uq_location_boxes_location_id_code'))
    )
    op.create_table('pick_lists',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('route_length_m', sa.Float(), nullable=True),
    sa.Column('s_shape_length_m', sa.Float(), nullable=True),
    sa.Column('created_by', sa.String(length=240), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_pick_lists_location_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pick_lists'))
    )
    with op.batch_alter_table('pick_lists', schema=None) as batch_op:
        batch_op.create_index('ix_pick_lists_location_id_status', ['location_id', 'status'], unique=False)

    op.create_table('packages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('fulfillment_order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('box_code', sa.String(length=40), nullable=True),
    sa.Column('length_mm', sa.Integer(), nullable=True),
    sa.Column('width_mm', sa.Integer(), nullable=True),
    sa.Column('height_mm', sa.Integer(), nullable=True),
    sa.Column('weight_grams', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=240), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('weight_grams > 0', name=op.f('ck_packages_weight_positive')),
    sa.ForeignKeyConstraint(['fulfillment_order_id'], ['fulfillment_orders.id'], name=op.f('fk_packages_fulfillment_order_id_fulfillment_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_packages'))
    )
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_packages_fulfillment_order_id'), ['fulfillment_order_id'], unique=False)

    op.create_table('package_items',
    sa.Column('package_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('fulfillment_order_line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_package_items_quantity_positive')),
    sa.ForeignKeyConstraint(['fulfillment_order_line_id'], ['fulfillment_order_lines.id'], name=op.f('fk_package_items_fulfillment_order_line_id_fulfillment_order_lines')),
    sa.ForeignKeyConstraint(['package_id'], ['packages.id'], name=op.f('fk_package_items_package_id_packages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('package_id', 'fulfillment_order_line_id', name=op.f('pk_package_items'))
    )
    op.create_table('pick_list_stops',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('pick_list_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('fulfillment_order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('fulfillment_order_line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('bin', sa.String(length=40), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('tote', sa.String(length=10), nullable=True),
    sa.Column('picked_quantity', sa.Integer(), nullable=True),
    sa.CheckConstraint('quantity > 0 AND (picked_quantity IS NULL OR picked_quantity BETWEEN 0 AND quantity)', name=op.f('ck_pick_list_stops_picked_within_quantity')),
    sa.ForeignKeyConstraint(['fulfillment_order_id'], ['fulfillment_orders.id'], name=op.f('fk_pick_list_stops_fulfillment_order_id_fulfillment_orders')),
    sa.ForeignKeyConstraint(['fulfillment_order_line_id'], ['fulfillment_order_lines.id'], name=op.f('fk_pick_list_stops_fulfillment_order_line_id_fulfillment_order_lines')),
    sa.ForeignKeyConstraint(['pick_list_id'], ['pick_lists.id'], name=op.f('fk_pick_list_stops_pick_list_id_pick_lists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_pick_list_stops_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pick_list_stops')),
    sa.UniqueConstraint('pick_list_id', 'sequence', name=op.f('uq_pick_list_stops_pick_list_id_sequence'))
    )
    with op.batch_alter_table('pick_list_stops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pick_list_stops_fulfillment_order_id'), ['fulfillment_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pick_list_stops_pick_list_id'), ['pick_list_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pick_list_stops', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pick_list_stops_pick_list_id'))
        batch_op.drop_index(batch_op.f('ix_pick_list_stops_fulfillment_order_id'))

    op.drop_table('pick_list_stops')
    op.drop_table('package_items')
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_packages_fulfillment_order_id'))

    op.drop_table('packages')
    with op.batch_alter_table('pick_lists', schema=None) as batch_op:
        batch_op.drop_index('ix_pick_lists_location_id_status')

    op.drop_table('pick_lists')
    op.drop_table('location_boxes')
