"""fulfillment orders and routing: allocations become fulfillment order lines, one
fulfillment order per order and location; channels' routing rules and routing decisions; what
routing needs to know of each location

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Orders placed before fulfillment orders existed get one per location that holds their units.
_FULFILLMENT_ORDERS_FROM_ALLOCATIONS = """
INSERT INTO fulfillment_orders (order_id, location_id, status, priority, created_at, updated_at)
SELECT a.order_id, a.location_id,
       CASE WHEN o.status = 'cancelled' OR SUM(a.quantity) = 0 THEN 'cancelled' ELSE 'open' END,
       3, o.created_at, o.updated_at
FROM allocations a JOIN orders o ON o.id = a.order_id
GROUP BY a.order_id, a.location_id, o.status, o.created_at, o.updated_at
ORDER BY a.order_id, a.location_id"""
_LINES_FROM_ALLOCATIONS = """
INSERT INTO fulfillment_order_lines
    (fulfillment_order_id, order_id, order_line_id, location_id, quantity)
SELECT f.id, a.order_id, a.order_line_id, a.location_id, a.quantity
FROM allocations a
JOIN fulfillment_orders f ON f.order_id = a.order_id AND f.location_id = a.location_id
ORDER BY a.id"""
_ALLOCATIONS_FROM_LINES = """
INSERT INTO allocations (order_id, order_line_id, location_id, quantity)
SELECT order_id, order_line_id, location_id, quantity FROM fulfillment_order_lines ORDER BY id"""


def upgrade() -> None:
    op.create_table('channel_routing_rules',
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('policy', sa.String(length=30), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('split_penalty', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(length=240), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_channel_routing_rules_channel_id_channels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('channel_id', name=op.f('pk_channel_routing_rules'))
    )
    op.create_table('location_performance',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('on_time_rate', sa.Float(), nullable=True),
    sa.Column('median_hours_to_ship', sa.Float(), nullable=True),
    sa.Column('short_pick_rate', sa.Float(), nullable=True),
    sa.Column('fulfillment_orders', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_location_performance_location_id_locations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('location_id', name=op.f('pk_location_performance'))
    )
    op.create_table('location_daily_load',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_location_daily_load_location_id_locations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('location_id', 'day', name=op.f('pk_location_daily_load'))
    )
    op.create_table('fulfillment_orders',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_before_hold', sa.String(length=20), nullable=True),
    sa.Column('priority', sa.SmallInteger(), nullable=False),
    sa.Column('ship_by', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sa.String(length=500), nullable=True),
    sa.Column('shipped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_fulfillment_orders_location_id_locations')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_fulfillment_orders_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fulfillment_orders'))
    )
    with op.batch_alter_table('fulfillment_orders', schema=None) as batch_op:
        batch_op.create_index('ix_fulfillment_orders_location_id_status', ['location_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_fulfillment_orders_order_id'), ['order_id'], unique=False)

    op.create_table('routing_decisions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('trigger', sa.String(length=30), nullable=False),
    sa.Column('policy', sa.String(length=30), nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('allocations', sa.JSON(), nullable=False),
    sa.Column('short', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_routing_decisions_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_decisions'))
    )
    with op.batch_alter_table('routing_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routing_decisions_order_id'), ['order_id'], unique=False)

    op.create_table('fulfillment_order_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('fulfillment_order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('picked_quantity', sa.Integer(), server_default='0', nullable=False),
    sa.Column('packed_quantity', sa.Integer(), server_default='0', nullable=False),
    sa.Column('short_quantity', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rejected_quantity', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('picked_quantity BETWEEN 0 AND quantity AND packed_quantity BETWEEN 0 AND quantity', name=op.f('ck_fulfillment_order_lines_within_quantity')),
    sa.CheckConstraint('quantity >= 0 AND short_quantity >= 0 AND rejected_quantity >= 0', name=op.f('ck_fulfillment_order_lines_counters_not_negative')),
    sa.ForeignKeyConstraint(['fulfillment_order_id'], ['fulfillment_orders.id'], name=op.f('fk_fulfillment_order_lines_fulfillment_order_id_fulfillment_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_fulfillment_order_lines_location_id_locations')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_fulfillment_order_lines_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_fulfillment_order_lines_order_line_id_order_lines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fulfillment_order_lines'))
    )
    with op.batch_alter_table('fulfillment_order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fulfillment_order_lines_fulfillment_order_id'), ['fulfillment_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fulfillment_order_lines_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fulfillment_order_lines_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fulfillment_order_lines_order_line_id'), ['order_line_id'], unique=False)

    op.execute(_FULFILLMENT_ORDERS_FROM_ALLOCATIONS)
    op.execute(_LINES_FROM_ALLOCATIONS)
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocations_location_id'))
        batch_op.drop_index(batch_op.f('ix_allocations_order_id'))
        batch_op.drop_index(batch_op.f('ix_allocations_order_line_id'))

    op.drop_table('allocations')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.SmallInteger(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('ship_by', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notification_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('daily_order_limit', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cutoff_time', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), server_default='UTC', nullable=False))
        batch_op.add_column(sa.Column('ships_to', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('shipping_rates', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('ship_by')
        batch_op.drop_column('priority')

    with op.batch_alter_table('locations', schema=None) as batch_op:
        batch_op.drop_column('shipping_rates')
        batch_op.drop_column('ships_to')
        batch_op.drop_column('timezone')
        batch_op.drop_column('cutoff_time')
        batch_op.drop_column('daily_order_limit')
        batch_op.drop_column('notification_email')

    op.create_table('allocations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_allocations_quantity_not_negative')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_allocations_location_id_locations')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_allocations_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_allocations_order_line_id_order_lines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocations'))
    )
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocations_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocations_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocations_location_id'), ['location_id'], unique=False)

    op.execute(_ALLOCATIONS_FROM_LINES)
    with op.batch_alter_table('fulfillment_order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fulfillment_order_lines_order_line_id'))
        batch_op.drop_index(batch_op.f('ix_fulfillment_order_lines_order_id'))
        batch_op.drop_index(batch_op.f('ix_fulfillment_order_lines_location_id'))
        batch_op.drop_index(batch_op.f('ix_fulfillment_order_lines_fulfillment_order_id'))

    op.drop_table('fulfillment_order_lines')
    with op.batch_alter_table('routing_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routing_decisions_order_id'))

    op.drop_table('routing_decisions')
    with op.batch_alter_table('fulfillment_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fulfillment_orders_order_id'))
        batch_op.drop_index('ix_fulfillment_orders_location_id_status')

    op.drop_table('fulfillment_orders')
    op.drop_table('location_daily_load')
    op.drop_table('location_performance')
    op.drop_table('channel_routing_rules')
