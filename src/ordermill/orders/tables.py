"""Tables for orders, their lines, allocations, holds and timeline events."""

from __future__ import annotations

import sqlalchemy as sa

from ordermill.db.metadata import UtcDateTime, metadata

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")

orders = sa.Table(
    "orders", metadata,
    sa.Column("id", _ID, primary_key=True),
    sa.Column("channel_id", sa.ForeignKey("channels.id"), nullable=False),
    sa.Column("external_id", sa.String(100), nullable=False),
    sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("status_before_hold", sa.String(20)),
    sa.Column("payment_status", sa.String(20), nullable=False),
    sa.Column("payment_terms", sa.String(20), nullable=False),
    sa.Column("shipping_address", sa.JSON, nullable=False),
    sa.Column("billing_address", sa.JSON),
    sa.Column("subtotal", sa.BigInteger, nullable=False),
    sa.Column("discount_total", sa.BigInteger, nullable=False),
    sa.Column("tax_total", sa.BigInteger, nullable=False),
    sa.Column("shipping_total", sa.BigInteger, nullable=False),
    sa.Column("total", sa.BigInteger, nullable=False),
    sa.Column("notes", sa.Text),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("placed_at", UtcDateTime(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("channel_id", "external_id"),
    sa.Index("ix_orders_status_placed_at", "status", "placed_at"),
    sa.Index("ix_orders_placed_at", "placed_at"),
)

order_lines = sa.Table(
    "order_lines", metadata,
    sa.Column("id", _ID, primary_key=True),
    sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("line_number", sa.Integer, nullable=False),
    sa.Column("product_id", sa.ForeignKey("products.id"), nullable=False, index=True),
    sa.Column("sku", sa.String(64), nullable=False),
    sa.Column("name", sa.String(300), nullable=False),
    # A kit's composition at the time of sale: [[product id, units per kit], ...]
    sa.Column("parts", sa.JSON, nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("cancelled_quantity", sa.Integer, nullable=False, server_default="0"),
    sa.Column("shipped_quantity", sa.Integer, nullable=False, server_default="0"),
    sa.Column("unit_price", sa.BigInteger, nullable=False),
    sa.Column("discount", sa.BigInteger, nullable=False),
    sa.Column("tax", sa.BigInteger, nullable=False),
    sa.Column("total", sa.BigInteger, nullable=False),
    sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    sa.CheckConstraint("cancelled_quantity >= 0 AND shipped_quantity >= 0 "
                       "AND cancelled_quantity + shipped_quantity <= quantity",
                       name="counters_within_quantity"),
)

allocations = sa.Table(
    "allocations", metadata,
    sa.Column("id", _ID, primary_key=True),
    sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("order_line_id", sa.ForeignKey("order_lines.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("location_id", sa.ForeignKey("locations.id"), nullable=False, index=True),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.CheckConstraint("quantity >= 0", name="quantity_not_negative"),
)

order_holds = sa.Table(
    "order_holds", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("reason", sa.String(20), nullable=False),
    sa.Column("note", sa.String(1000)),
    sa.Column("placed_by", sa.String(240), nullable=False),
    sa.Column("placed_at", UtcDateTime(), nullable=False),
    sa.Column("released_by", sa.String(240)),
    sa.Column("released_at", UtcDateTime()),
)

order_events = sa.Table(
    "order_events", metadata,
    sa.Column("id", _ID, primary_key=True),
    sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("type", sa.String(60), nullable=False),
    sa.Column("detail", sa.JSON, nullable=False),
    sa.Column("actor", sa.String(240), nullable=False),
    sa.Column("occurred_at", UtcDateTime(), nullable=False),
)
