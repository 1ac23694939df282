"""Tables of the warehouse floor: each location's layout and the bin of each sku there."""

from __future__ import annotations

import sqlalchemy as sa

from ordermill.db.metadata import UtcDateTime, metadata

location_layouts = sa.Table(
    "location_layouts", metadata,
    sa.Column("location_id", sa.Integer, sa.ForeignKey("locations.id"), primary_key=True),
    sa.Column("aisle_count", sa.Integer, nullable=False),
    sa.Column("aisle_length_m", sa.Float, nullable=False),
    sa.Column("aisle_spacing_m", sa.Float, nullable=False),
    sa.Column("cross_aisle_count", sa.Integer, nullable=False),
    sa.Column("depot_aisle", sa.Integer, nullable=False),
    sa.Column("depot_position_m", sa.Float, nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

location_bins = sa.Table(
    "location_bins", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("location_id", sa.Integer,
              sa.ForeignKey("location_layouts.location_id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("product_id", sa.Integer, sa.ForeignKey("products.id"), nullable=False),
    sa.Column("code", sa.String(40), nullable=False),
    sa.Column("aisle", sa.Integer, nullable=False),
    sa.Column("position_m", sa.Float, nullable=False),
    sa.UniqueConstraint("location_id", "product_id"),
)
