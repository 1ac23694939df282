"""Table of locations."""

from __future__ import annotations

import sqlalchemy as sa

from ordermill.db.metadata import UtcDateTime, metadata

locations = sa.Table(
    "locations", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(32), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("address", sa.JSON, nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("latitude", sa.Float),
    sa.Column("longitude", sa.Float),
    sa.Column("ships", sa.Boolean, nullable=False),
    sa.Column("pickup", sa.Boolean, nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("notification_email", sa.String(254)),
    sa.Column("daily_order_limit", sa.Integer),
    sa.Column("cutoff_time", sa.String(5)),
    sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
    sa.Column("ships_to", sa.JSON),
    sa.Column("shipping_rates", sa.JSON),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)
