"""Tables for channels, the locations that serve them and their per-sku buffers."""

from __future__ import annotations

import sqlalchemy as sa

from ordermill.db.metadata import UtcDateTime, metadata

channels = sa.Table(
    "channels", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(32), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("shortage_policy", sa.String(20), nullable=False),
    sa.Column("payment_terms", sa.String(20), nullable=False),
    sa.Column("availability_buffer", sa.Integer, nullable=False, server_default="0"),
    sa.Column("availability_cap_percent", sa.Integer),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

channel_locations = sa.Table(
    "channel_locations", metadata,
    sa.Column("channel_id", sa.ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("location_id", sa.ForeignKey("locations.id"), primary_key=True),
)

channel_sku_buffers = sa.Table(
    "channel_sku_buffers", metadata,
    sa.Column("channel_id", sa.ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("product_id", sa.ForeignKey("products.id"), primary_key=True),
    sa.Column("buffer", sa.Integer, nullable=False),
)

channel_listings = sa.Table(
    "channel_listings", metadata,
    sa.Column("channel_id", sa.ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("product_id", sa.ForeignKey("products.id"), primary_key=True),
    sa.Column("available_to_sell", sa.Integer, nullable=False),
    sa.Column("changed_at", UtcDateTime(), nullable=False),
    sa.Column("published_at", UtcDateTime()),
)
