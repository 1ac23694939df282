"""Tables of routing: each channel's rules, and every decision with its explanation."""

from __future__ import annotations

import sqlalchemy as sa

from ordermill.db.metadata import UtcDateTime, metadata

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")

channel_routing_rules = sa.Table(
    "channel_routing_rules", metadata,
    sa.Column("channel_id", sa.ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("policy", sa.String(30), nullable=False),
    # [{"criterion": ..., "weight": ...}, ...] in the order they break ties.
    sa.Column("rules", sa.JSON, nullable=False),
    sa.Column("filters", sa.JSON, nullable=False),
    sa.Column("split_penalty", sa.Integer, nullable=False),
    sa.Column("updated_by", sa.String(240), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

routing_decisions = sa.Table(
    "routing_decisions", metadata,
    sa.Column("id", _ID, primary_key=True),
    sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False,
              index=True),
    # What asked for the decision: the order arriving, a rejection, a short pick, ...
    sa.Column("trigger", sa.String(30), nullable=False),
    sa.Column("policy", sa.String(30), nullable=False),
    sa.Column("candidates", sa.JSON, nullable=False),
    sa.Column("allocations", sa.JSON, nullable=False),
    sa.Column("short", sa.JSON, nullable=False),
    sa.Column("reason", sa.String(1000), nullable=False),
    sa.Column("decided_at", UtcDateTime(), nullable=False),
)

# Fulfillment orders each location has taken per day, kept only for locations with a daily
# limit, so that concurrent orders can claim the last place with one conditional update.
location_daily_load = sa.Table(
    "location_daily_load", metadata,
    sa.Column("location_id", sa.ForeignKey("locations.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("orders", sa.Integer, nullable=False),
)

# Each location's record, recomputed from its fulfillment orders as they finish, so routing
# reads four numbers instead of a location's history.
location_performance = sa.Table(
    "location_performance", metadata,
    sa.Column("location_id", sa.ForeignKey("locations.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("on_time_rate", sa.Float),
    sa.Column("median_hours_to_ship", sa.Float),
    sa.Column("short_pick_rate", sa.Float),
    sa.Column("fulfillment_orders", sa.Integer, nullable=False),
    sa.Column("computed_at", UtcDateTime(), nullable=False),
)

# A batch re-optimisation: the moves it proposes and the savings, kept until someone applies
# them; `basis` is what the backlog looked like, so stale moves are skipped, not applied.
routing_optimizations = sa.Table(
    "routing_optimizations", metadata,
    sa.Column("id", _ID, primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("summary", sa.JSON, nullable=False),
    sa.Column("moves", sa.JSON, nullable=False),
    sa.Column("basis", sa.JSON, nullable=False),
    sa.Column("created_by", sa.String(240), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("applied_at", UtcDateTime()),
)
