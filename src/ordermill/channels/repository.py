"""Loading and saving channels, their locations and buffers, and published listings."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ordermill.catalog.tables import products
from ordermill.channels.domain import AvailabilityRules
from ordermill.channels.tables import (
    channel_listings,
    channel_locations,
    channel_sku_buffers,
    channels,
)
from ordermill.locations.tables import locations


def channel_by_code(connection: Connection, code: str) -> Any:
    return connection.execute(sa.select(channels).where(channels.c.code == code)).first()


def all_channels(connection: Connection) -> list[Any]:
    return list(connection.execute(sa.select(channels).order_by(channels.c.code)))


def serving_locations(connection: Connection, channel_id: int, *,
                      active_only: bool = False) -> list[Any]:
    """The channel's locations in order of preference (priority, then code)."""
    query = (sa.select(locations).join(channel_locations,
                                       channel_locations.c.location_id == locations.c.id)
             .where(channel_locations.c.channel_id == channel_id)
             .order_by(locations.c.priority, locations.c.code))
    if active_only:
        query = query.where(locations.c.active.is_(True))
    return list(connection.execute(query))


def availability_rules(connection: Connection, channel: Any) -> AvailabilityRules:
    rows = connection.execute(
        sa.select(products.c.sku, channel_sku_buffers.c.buffer)
        .join(products, products.c.id == channel_sku_buffers.c.product_id)
        .where(channel_sku_buffers.c.channel_id == channel.id))
    return AvailabilityRules(channel.availability_buffer, channel.availability_cap_percent,
                             {row.sku: row.buffer for row in rows})


def insert_channel(connection: Connection, values: dict[str, Any]) -> int:
    return int(connection.execute(channels.insert().values(**values)
                                  .returning(channels.c.id)).scalar_one())


def update_channel(connection: Connection, channel_id: int, values: dict[str, Any]) -> None:
    connection.execute(channels.update().where(channels.c.id == channel_id).values(**values))


def replace_locations(connection: Connection, channel_id: int, location_ids: list[int]) -> None:
    connection.execute(channel_locations.delete()
                       .where(channel_locations.c.channel_id == channel_id))
    if location_ids:
        connection.execute(channel_locations.insert(), [
            {"channel_id": channel_id, "location_id": i} for i in location_ids])


def replace_sku_buffers(connection: Connection, channel_id: int,
                        buffers: dict[int, int]) -> None:
    connection.execute(channel_sku_buffers.delete()
                       .where(channel_sku_buffers.c.channel_id == channel_id))
    if buffers:
        connection.execute(channel_sku_buffers.insert(), [
            {"channel_id": channel_id, "product_id": p, "buffer": b} for p, b in buffers.items()])


def channels_served_by(connection: Connection, location_id: int) -> list[Any]:
    return list(connection.execute(
        sa.select(channels).join(channel_locations,
                                 channel_locations.c.channel_id == channels.c.id)
        .where(channel_locations.c.location_id == location_id)))


def listing(connection: Connection, channel_id: int, product_id: int) -> int | None:
    return connection.execute(sa.select(channel_listings.c.available_to_sell).where(
        channel_listings.c.channel_id == channel_id,
        channel_listings.c.product_id == product_id)).scalar()


def upsert_listing(connection: Connection, values: dict[str, Any]) -> None:
    insert = (postgresql.insert(channel_listings) if connection.dialect.name == "postgresql"
              else sqlite.insert(channel_listings))
    statement = insert.values(**values)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["channel_id", "product_id"],
        set_={"available_to_sell": statement.excluded.available_to_sell,
              "changed_at": statement.excluded.changed_at, "published_at": None}))
