"""layouts: each location's floor plan and the bin of each sku there

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('location_layouts',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('aisle_count', sa.Integer(), nullable=False),
    sa.Column('aisle_length_m', sa.Float(), nullable=False),
    sa.Column('aisle_spacing_m', sa.Float(), nullable=False),
    sa.Column('cross_aisle_count', sa.Integer(), nullable=False),
    sa.Column('depot_aisle', sa.Integer(), nullable=False),
    sa.Column('depot_position_m', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_location_layouts_location_id_locations')),
    sa.PrimaryKeyConstraint('location_id', name=op.f('pk_location_layouts'))
    )
    op.create_table('location_bins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('aisle', sa.Integer(), nullable=False),
    sa.Column('position_m', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['location_layouts.location_id'], name=op.f('fk_location_bins_location_id_location_layouts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_location_bins_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location_bins')),
    sa.UniqueConstraint('location_id', 'product_id', name=op.f('uq_location_bins_location_id_product_id'))
    )


def downgrade() -> None:
    op.drop_table('location_bins')
    op.drop_table('location_layouts')
