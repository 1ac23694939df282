"""A warehouse floor for the console's floor tests: two locations, a laid-out east with its
boxes, barcoded products, and orders placed through the real use cases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ordermill.accounts.service import create_user
from ordermill.db.engine import Database
from ordermill.fulfillment import boxes
from ordermill.fulfillment.domain import BinFacts, LayoutFacts
from ordermill.fulfillment.packing import BoxType
from ordermill.fulfillment.pick_lists import get_pick_list
from ordermill.fulfillment.service import set_layout
from ordermill.fulfillment.work_queue import get_fulfillment_order
from ordermill.orders.domain import Priority
from ordermill.orders.intake import place_order
from ordermill.shared.clock import utcnow
from tests import builders

PASSWORD = "correct horse battery"
MUG_GTIN = "4006381333931"
LID_GTIN = "5901234123457"
BINS = {"MUG": ("A03-12", 3, 12.5), "LID": ("A07-04", 7, 4.0)}
SMALL = BoxType("S", 150, 150, 120, 2_000)
MEDIUM = BoxType("M", 300, 200, 150, 5_000)


def floor(database: Database) -> None:
    """east packs and has a layout; west only stocks JUG, so JUG orders go there."""
    builders.location(database, "east", priority=1)
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG", name="Stoneware mug", gtin=MUG_GTIN, weight_grams=400,
                     length_mm=100, width_mm=100, height_mm=110)
    builders.product(database, "LID", name="Bamboo lid", gtin=LID_GTIN, weight_grams=50,
                     length_mm=100, width_mm=100, height_mm=10)
    builders.product(database, "TEA", name="Loose tea", weight_grams=100)
    builders.product(database, "JUG", name="Milk jug", weight_grams=600)
    builders.channel(database, "web", ["east", "west"])
    for sku in ("MUG", "LID", "TEA"):
        builders.stock(database, sku, "east", 20)
    builders.stock(database, "JUG", "west", 5)
    set_layout(builders.uow(database), "east", LayoutFacts(
        aisle_count=10, aisle_length_m=30.0, aisle_spacing_m=3.0,
        bins=[BinFacts(code, sku, aisle, position)
              for sku, (code, aisle, position) in BINS.items()]))
    boxes.set_boxes(builders.uow(database), location="east", boxes=[SMALL, MEDIUM])


def order(database: Database, external_id: str, lines: dict[str, int], *,
          priority: Priority = Priority.NORMAL, late: bool = False) -> dict[str, Any]:
    """An order placed by the web channel; `late` promises a ship-by two hours ago."""
    ship_by = utcnow() - timedelta(hours=2) if late else None
    return place_order(builders.uow(database), builders.order_input(
        "web", external_id, lines, priority=priority, ship_by=ship_by)).order


def fulfillment_order_of(placed: dict[str, Any], location: str = "east") -> int:
    return int(next(reservation["fulfillment_order_id"] for line in placed["lines"]
                    for reservation in line["reservations"]
                    if reservation["location"] == location))


def user(database: Database, role: str, locations: list[str] | None = None) -> str:
    email = f"{role}@example.com"
    create_user(builders.uow(database), email=email, name=f"{role.title()} user", role=role,
                password=PASSWORD, locations=locations)
    return email


def fulfillment_order_now(database: Database, fulfillment_order_id: int) -> dict[str, Any]:
    with database.reading() as connection:
        found = get_fulfillment_order(connection, fulfillment_order_id)
    assert found is not None
    return found


def pick_list_now(database: Database, pick_list_id: int) -> dict[str, Any]:
    with database.reading() as connection:
        found = get_pick_list(connection, pick_list_id)
    assert found is not None
    return found
