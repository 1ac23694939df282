"""Reactions to stock events: raise a low-stock alert for the people who reorder.

Idempotent: one alert per event id, however often the event is delivered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ordermill.catalog import repository as catalog
from ordermill.inventory.tables import low_stock_alerts
from ordermill.locations import repository as locations
from ordermill.shared.clock import utcnow


def raise_low_stock_alert(connection: Connection, event_id: int, payload: dict[str, Any]) -> None:
    product = catalog.product_by_sku(connection, payload["sku"])
    location = locations.location_by_code(connection, payload["location"])
    if product is None or location is None:
        return
    insert = (postgresql.insert(low_stock_alerts) if connection.dialect.name == "postgresql"
              else sqlite.insert(low_stock_alerts))
    connection.execute(insert.values(
        event_id=event_id, product_id=product.id, location_id=location.id,
        available=payload["available"], reorder_point=payload["reorder_point"],
        raised_at=utcnow()).on_conflict_do_nothing(index_elements=["event_id"]))
