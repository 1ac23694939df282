"""Tables of the warehouse floor: each location's layout and the bin of each sku there, pick
lists, the boxes it packs into and the packages it packed."""

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

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")

# A picker's walk: the stops in walking order, each unit bound for one fulfillment order's tote.
pick_lists = sa.Table(
    "pick_lists", metadata,
    sa.Column("id", _ID, primary_key=True),
    sa.Column("location_id", sa.ForeignKey("locations.id"), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("route_length_m", sa.Float),
    sa.Column("s_shape_length_m", sa.Float),
    sa.Column("created_by", sa.String(240), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("completed_at", UtcDateTime()),
    sa.Index("ix_pick_lists_location_id_status", "location_id", "status"),
)

pick_list_stops = sa.Table(
    "pick_list_stops", metadata,
    sa.Column("id", _ID, primary_key=True),
    sa.Column("pick_list_id", sa.ForeignKey("pick_lists.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("sequence", sa.Integer, nullable=False),
    sa.Column("fulfillment_order_id", sa.ForeignKey("fulfillment_orders.id"), nullable=False,
              index=True),
    sa.Column("fulfillment_order_line_id", sa.ForeignKey("fulfillment_order_lines.id"),
              nullable=False),
    sa.Column("product_id", sa.ForeignKey("products.id"), nullable=False),
    sa.Column("sku", sa.String(64), nullable=False),
    sa.Column("bin", sa.String(40)),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("tote", sa.String(10)),
    sa.Column("picked_quantity", sa.Integer),  # None until the picker confirms the stop
    sa.CheckConstraint("quantity > 0 AND (picked_quantity IS NULL OR picked_quantity BETWEEN 0 "
                       "AND quantity)", name="picked_within_quantity"),
    sa.UniqueConstraint("pick_list_id", "sequence"),
)

# The boxes a location packs into (inner dimensions).
location_boxes = sa.Table(
    "location_boxes", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("location_id", sa.ForeignKey("locations.id", ondelete="CASCADE"), nullable=False),
    sa.Column("code", sa.String(40), nullable=False),
    sa.Column("length_mm", sa.Integer, nullable=False),
    sa.Column("width_mm", sa.Integer, nullable=False),
    sa.Column("height_mm", sa.Integer, nullable=False),
    sa.Column("max_weight_g", sa.Integer, nullable=False),
    sa.UniqueConstraint("location_id", "code"),
)

# What a packed fulfillment order became: one package per box, ready for a label.
packages = sa.Table(
    "packages", metadata,
    sa.Column("id", _ID, primary_key=True),
    sa.Column("fulfillment_order_id", sa.ForeignKey("fulfillment_orders.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("box_code", sa.String(40)),
    sa.Column("length_mm", sa.Integer),
    sa.Column("width_mm", sa.Integer),
    sa.Column("height_mm", sa.Integer),
    sa.Column("weight_grams", sa.Integer, nullable=False),
    sa.Column("created_by", sa.String(240), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.CheckConstraint("weight_grams > 0", name="weight_positive"),
)

package_items = sa.Table(
    "package_items", metadata,
    sa.Column("package_id", sa.ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("fulfillment_order_line_id", sa.ForeignKey("fulfillment_order_lines.id"),
              primary_key=True),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.CheckConstraint("quantity > 0", name="quantity_positive"),
)
