"""Tables for stock levels, the stock ledger and low-stock alerts."""

from __future__ import annotations

import sqlalchemy as sa

from ordermill.db.metadata import UtcDateTime, metadata

stock_levels = sa.Table(
    "stock_levels", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("product_id", sa.ForeignKey("products.id"), nullable=False),
    sa.Column("location_id", sa.ForeignKey("locations.id"), nullable=False, index=True),
    sa.Column("on_hand", sa.Integer, nullable=False, server_default="0"),
    sa.Column("reserved", sa.Integer, nullable=False, server_default="0"),
    sa.Column("safety_stock", sa.Integer, nullable=False, server_default="0"),
    sa.Column("reorder_point", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("product_id", "location_id"),
    sa.CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
    sa.CheckConstraint("reserved >= 0", name="reserved_not_negative"),
    sa.CheckConstraint("safety_stock >= 0", name="safety_stock_not_negative"),
    sa.CheckConstraint("reorder_point >= 0", name="reorder_point_not_negative"),
)

stock_ledger = sa.Table(
    "stock_ledger", metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("product_id", sa.ForeignKey("products.id"), nullable=False),
    sa.Column("location_id", sa.ForeignKey("locations.id"), nullable=False),
    sa.Column("movement", sa.String(20), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("on_hand_after", sa.Integer, nullable=False),
    sa.Column("reason", sa.String(200)),
    sa.Column("actor", sa.String(240), nullable=False),
    sa.Column("reference_type", sa.String(40)),
    sa.Column("reference_id", sa.String(80)),
    sa.Column("occurred_at", UtcDateTime(), nullable=False),
    sa.Index("ix_stock_ledger_product_location", "product_id", "location_id", "id"),
    sa.Index("ix_stock_ledger_occurred_at", "occurred_at"),
)

low_stock_alerts = sa.Table(
    "low_stock_alerts", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.BigInteger, nullable=False, unique=True),
    sa.Column("product_id", sa.ForeignKey("products.id"), nullable=False),
    sa.Column("location_id", sa.ForeignKey("locations.id"), nullable=False),
    sa.Column("available", sa.Integer, nullable=False),
    sa.Column("reorder_point", sa.Integer, nullable=False),
    sa.Column("raised_at", UtcDateTime(), nullable=False),
    sa.Column("acknowledged_at", UtcDateTime()),
)
