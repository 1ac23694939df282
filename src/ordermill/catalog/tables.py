"""Tables for products and kit components."""

from __future__ import annotations

import sqlalchemy as sa

from ordermill.db.metadata import UtcDateTime, metadata

products = sa.Table(
    "products", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sku", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("gtin", sa.String(14), index=True),
    sa.Column("weight_grams", sa.Integer, nullable=False, server_default="0"),
    sa.Column("length_mm", sa.Integer, nullable=False, server_default="0"),
    sa.Column("width_mm", sa.Integer, nullable=False, server_default="0"),
    sa.Column("height_mm", sa.Integer, nullable=False, server_default="0"),
    sa.Column("default_price", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("ships", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("is_kit", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

kit_components = sa.Table(
    "kit_components", metadata,
    sa.Column("kit_id", sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("component_id", sa.ForeignKey("products.id"), primary_key=True),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.CheckConstraint("quantity > 0", name="quantity_positive"),
)
