"""Read side of the warehouse floor: a location's layout as the API and console show it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from ordermill.fulfillment import repository
from ordermill.locations.repository import location_by_code
from ordermill.shared.clock import rfc3339


def get_layout(connection: Connection, code: str) -> dict[str, Any] | None:
    location = location_by_code(connection, code)
    row = None if location is None else repository.layout_row(connection, location.id)
    if row is None:
        return None
    return {
        "location": code, "aisle_count": row.aisle_count, "aisle_length_m": row.aisle_length_m,
        "aisle_spacing_m": row.aisle_spacing_m, "cross_aisle_count": row.cross_aisle_count,
        "depot": {"aisle": row.depot_aisle, "position_m": row.depot_position_m},
        "bins": [{"code": b.code, "sku": b.sku, "aisle": b.aisle, "position_m": b.position_m}
                 for b in repository.bin_rows(connection, location.id)],
        "updated_at": rfc3339(row.updated_at),
    }
