"""Read side of locations."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.locations import repository
from ordermill.locations.tables import locations
from ordermill.shared.clock import rfc3339


def location_view(row: Any) -> dict[str, Any]:
    return {
        "code": row.code, "name": row.name, "kind": row.kind, "address": row.address,
        "latitude": row.latitude, "longitude": row.longitude, "ships": row.ships,
        "pickup": row.pickup, "priority": row.priority, "active": row.active,
        "notification_email": row.notification_email,
        "daily_order_limit": row.daily_order_limit, "cutoff_time": row.cutoff_time,
        "timezone": row.timezone, "ships_to": row.ships_to,
        "shipping_rates": row.shipping_rates,
        "created_at": rfc3339(row.created_at), "updated_at": rfc3339(row.updated_at),
    }


def get_location(connection: Connection, code: str) -> dict[str, Any] | None:
    row = repository.location_by_code(connection, code)
    return None if row is None else location_view(row)


def list_locations(connection: Connection, *, only_ids: frozenset[int] | None = None,
                   active: bool | None = None) -> list[dict[str, Any]]:
    query = sa.select(locations).order_by(locations.c.priority, locations.c.code)
    if only_ids is not None:
        query = query.where(locations.c.id.in_(only_ids))
    if active is not None:
        query = query.where(locations.c.active.is_(active))
    return [location_view(row) for row in connection.execute(query)]
