"""What the fulfillment order API tests share: a shop with two locations, and helpers to
place orders, read queues, timelines, events and every table."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from ordermill.db.outbox import outbox
from ordermill.routing.tables import channel_routing_rules, location_daily_load, routing_decisions
from ordermill.shared.clock import rfc3339
from tests import builders, stock_truth
from tests.e2e.test_bad_input import footprint

FULFILLMENT_ORDERS = "/api/v1/fulfillment-orders"
ORDERS = "/api/v1/orders"
SHIP_TO = {"name": "Ada Buyer", "company": None, "line1": "1 Main St", "line2": None,
           "city": "Springfield", "region": None, "postal_code": "12345", "country": "US",
           "phone": None}


def shop(database: Database, *, shortage_policy: str = "backorder") -> None:
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG")
    builders.product(database, "LID")
    builders.channel(database, "web", ["east", "west"], shortage_policy=shortage_policy)


def place(client: TestClient, lines: dict[str, int], external_id: str = "A-1",
           channel: str = "web", **fields: Any) -> dict[str, Any]:
    body = {**builders.order_body(channel, external_id, lines), **fields}
    response = client.post(ORDERS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def queue_of(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get(FULFILLMENT_ORDERS, params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    assert page["next_cursor"] is None
    return list(page["items"])


def one(client: TestClient, fulfillment_order_id: int) -> dict[str, Any]:
    response = client.get(f"{FULFILLMENT_ORDERS}/{fulfillment_order_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def fulfillment_orders_of(database: Database, order_id: int) -> dict[str, tuple[int, str]]:
    with database.reading() as connection:
        return stock_truth.fulfillment_orders(connection, order_id)


def reserved(database: Database) -> dict[tuple[str, str], int]:
    """Reserved units per (sku, location), after checking they match what fulfillment orders
    hold and that no order is half reserved."""
    with database.reading() as connection:
        levels = stock_truth.levels(connection)
        held = stock_truth.allocated_units(connection)
        assert stock_truth.half_reserved_orders(connection) == []
    reserved = {place: level.reserved for place, level in levels.items() if level.reserved}
    assert reserved == held
    return reserved


def timeline(client: TestClient, order_id: int) -> list[dict[str, Any]]:
    return list(client.get(f"{ORDERS}/{order_id}/events").json()["items"])


def published(database: Database, topic: str) -> list[dict[str, Any]]:
    with database.reading() as connection:
        rows = connection.execute(sa.select(outbox.c.payload).where(outbox.c.topic == topic)
                                  .order_by(outbox.c.id)).scalars().all()
    return [json.loads(payload) for payload in rows]


def summary(fulfillment_order_id: int, order: dict[str, Any], location: str, units: int, *,
             ship_by: str, status: str = "open", priority: str = "normal",
             late: bool = False) -> dict[str, Any]:
    """A queue row as the API shows it, created with its order."""
    return {"id": fulfillment_order_id, "order_id": order["id"],
            "order_number": order["number"], "location": location, "status": status,
            "priority": priority, "ship_by": ship_by, "late": late, "units": units,
            "rejection_reason": None, "created_at": order["created_at"],
            "updated_at": order["created_at"]}


def a_day_after(moment: str) -> str:
    return rfc3339(datetime.fromisoformat(moment) + timedelta(days=1)) or ""


def opaque(text: str) -> str:
    """A cursor in the queue's own encoding."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def reject(client: TestClient, fulfillment_order_id: int, reason: str) -> dict[str, Any]:
    response = client.post(f"{FULFILLMENT_ORDERS}/{fulfillment_order_id}/reject",
                           json={"reason": reason})
    assert response.status_code == 200, response.text
    return dict(response.json())


def everything(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a refused request could have written, routing's tables included."""
    found = footprint(database)
    with database.reading() as connection:
        for table in (routing_decisions, location_daily_load, channel_routing_rules):
            found[table.name] = [tuple(row) for row in connection.execute(
                sa.select(table).order_by(*table.primary_key.columns))]
    return found
