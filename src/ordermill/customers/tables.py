"""Tables for customers and their addresses."""

from __future__ import annotations

import sqlalchemy as sa

from ordermill.db.metadata import UtcDateTime, metadata

customers = sa.Table(
    "customers", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email_normalized", sa.String(320), nullable=False, unique=True),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("name", sa.String(200)),
    sa.Column("phone", sa.String(40)),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

customer_addresses = sa.Table(
    "customer_addresses", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("customer_id", sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("fingerprint", sa.String(32), nullable=False),
    sa.Column("address", sa.JSON, nullable=False),
    sa.Column("last_used_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("customer_id", "fingerprint"),
)
