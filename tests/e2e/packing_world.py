"""The world the pack station tests share: a location with boxes, products with sizes and
barcodes, a channel, and helpers to order, pack and read what changed."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from ordermill.db.engine import Database
from ordermill.db.outbox import outbox
from ordermill.fulfillment.tables import location_boxes, package_items, packages
from tests import builders
from tests.e2e.test_bad_input import footprint

BOXES = "/api/v1/locations/east/boxes"
SMALL = {"code": "S", "length_mm": 200, "width_mm": 150, "height_mm": 100,
         "max_weight_g": 5000}
MEDIUM = {"code": "M", "length_mm": 300, "width_mm": 200, "height_mm": 150,
          "max_weight_g": 10000}
LARGE = {"code": "L", "length_mm": 400, "width_mm": 300, "height_mm": 300,
         "max_weight_g": 20000}
MUG_GTIN = "4006381333931"
KETTLE_GTIN = "96385074"


@pytest.fixture
def shop(database: Database) -> None:
    """East and west; mugs (100 mm cubes, 400 g, barcoded), lids, kettles (280 mm long),
    bricks and a gift set of a mug and a lid, all stocked at east, which web sells from."""
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG", name="Stoneware mug", gtin=MUG_GTIN, weight_grams=400,
                     length_mm=100, width_mm=100, height_mm=100)
    builders.product(database, "LID", name="Mug lid", weight_grams=50, length_mm=90,
                     width_mm=90, height_mm=10)
    builders.product(database, "KETTLE", name="Kettle", gtin=KETTLE_GTIN, weight_grams=1200,
                     length_mm=280, width_mm=180, height_mm=200)
    builders.product(database, "BRICK", name="Brick", weight_grams=700, length_mm=190,
                     width_mm=140, height_mm=90)
    builders.product(database, "SET", name="Gift set", components={"MUG": 1, "LID": 1})
    builders.channel(database, "web", ["east", "west"])
    for sku in ("MUG", "LID", "KETTLE", "BRICK"):
        builders.stock(database, sku, "east", 20)


def order_for_packing(admin: TestClient, lines: dict[str, int], external_id: str = "W-1") -> int:
    """The order's one fulfillment order's id."""
    placed = admin.post("/api/v1/orders", json=builders.order_body("web", external_id, lines))
    assert placed.status_code == 201, placed.text
    queue = admin.get("/api/v1/fulfillment-orders", params={"order_id": placed.json()["id"]})
    [fulfillment_order] = queue.json()["items"]
    return int(fulfillment_order["id"])


def pack(client: TestClient, fulfillment_order_id: int, **body: Any) -> Any:
    return client.post(f"/api/v1/fulfillment-orders/{fulfillment_order_id}/pack", json=body)


def everything(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a refused request could have written, the pack station's tables too."""
    with database.reading() as connection:
        mine = {table.name: [tuple(row) for row in connection.execute(
                    sa.select(table).order_by(*table.primary_key.columns))]
                for table in (location_boxes, packages, package_items)}
    return {**footprint(database), **mine}


def without_ids(packed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in package.items() if k != "id"} for package in packed]


def published(database: Database, topic: str) -> list[dict[str, Any]]:
    with database.reading() as connection:
        return [json.loads(payload) for payload in connection.execute(
            sa.select(outbox.c.payload).where(outbox.c.topic == topic)
            .order_by(outbox.c.id)).scalars()]


# The box catalogue ------------------------------------------------------------------------------

