"""Tables for orders, their lines, holds and timeline events, and their fulfillment orders: what
each location ships of them."""

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
    sa.Column("priority", sa.SmallInteger, nullable=False, server_default="3"),
    sa.Column("ship_by", UtcDateTime()),  # promised by the channel, where it promised
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

# One per order and location: the units of the order that location is to ship.
fulfillment_orders = sa.Table(
    "fulfillment_orders", metadata,
    sa.Column("id", _ID, primary_key=True),
    sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("location_id", sa.ForeignKey("locations.id"), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("status_before_hold", sa.String(20)),
    sa.Column("priority", sa.SmallInteger, nullable=False),
    sa.Column("ship_by", UtcDateTime()),
    sa.Column("rejection_reason", sa.String(500)),
    sa.Column("shipped_at", UtcDateTime()),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_fulfillment_orders_location_id_status", "location_id", "status"),
)

# The units of one order line a fulfillment order ships. `quantity` is what the location still
# holds reserved for it; units cancelled, rejected or reported short leave it, and the
# counters beside it say where they went.
fulfillment_order_lines = sa.Table(
    "fulfillment_order_lines", metadata,
    sa.Column("id", _ID, primary_key=True),
    sa.Column("fulfillment_order_id",
              sa.ForeignKey("fulfillment_orders.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("order_line_id", sa.ForeignKey("order_lines.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("location_id", sa.ForeignKey("locations.id"), nullable=False, index=True),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("picked_quantity", sa.Integer, nullable=False, server_default="0"),
    sa.Column("packed_quantity", sa.Integer, nullable=False, server_default="0"),
    sa.Column("short_quantity", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rejected_quantity", sa.Integer, nullable=False, server_default="0"),
    sa.CheckConstraint("quantity >= 0 AND short_quantity >= 0 AND rejected_quantity >= 0",
                       name="counters_not_negative"),
    sa.CheckConstraint("picked_quantity BETWEEN 0 AND quantity "
                       "AND packed_quantity BETWEEN 0 AND quantity", name="within_quantity"),
)
