"""Each location's box catalogue (the boxes its pack station stocks, set whole) and the packages
a packed fulfillment order became, as the API shows them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.db.uow import UnitOfWork
from ordermill.fulfillment.packing import BoxType
from ordermill.fulfillment.tables import location_boxes, package_items, packages
from ordermill.locations.tables import locations
from ordermill.orders.tables import fulfillment_order_lines, order_lines
from ordermill.shared.errors import ErrorCollector, NotFound
from ordermill.shared.events import AuditEntry, Event

MAX_BOXES = 200
MAX_CODE = 40
MAX_BOX_MM = 5_000  # 5 m: past any parcel carrier's limit, so a bigger number is a typo
MAX_BOX_GRAMS = 100_000
_DIMENSIONS = ("length_mm", "width_mm", "height_mm")


def validate_boxes(boxes: Sequence[BoxType], errors: ErrorCollector) -> None:
    """Codes unique and printable, dimensions and weights within a parcel's reach."""
    if len(boxes) > MAX_BOXES:
        errors.add("boxes", f"at most {MAX_BOXES} boxes")
        return
    seen: set[str] = set()
    for index, box in enumerate(boxes):
        name = f"boxes.{index}"
        if not 1 <= len(box.code) <= MAX_CODE or not box.code.isprintable() \
                or box.code != box.code.strip():
            errors.add(f"{name}.code", f"1-{MAX_CODE} printable characters")
        elif box.code in seen:
            errors.add(f"{name}.code", f"box {box.code} is listed twice")
        seen.add(box.code)
        for dimension in _DIMENSIONS:
            if not 1 <= getattr(box, dimension) <= MAX_BOX_MM:
                errors.add(f"{name}.{dimension}", f"must be between 1 and {MAX_BOX_MM}")
        if not 1 <= box.max_weight_g <= MAX_BOX_GRAMS:
            errors.add(f"{name}.max_weight_g", f"must be between 1 and {MAX_BOX_GRAMS}")


def set_boxes(uow: UnitOfWork, *, location: str, boxes: Sequence[BoxType],
              location_scope: frozenset[int] | None = None) -> dict[str, Any]:
    """Replace the location's box catalogue as a whole; packages already packed keep the box
    they were packed in, by code and dimensions."""
    with uow:
        place = _visible(uow.connection, location, location_scope, lock=True)
        errors = ErrorCollector()
        validate_boxes(boxes, errors)
        errors.raise_if_any()
        before = box_types(uow.connection, place.id)
        uow.connection.execute(location_boxes.delete().where(
            location_boxes.c.location_id == place.id))
        if boxes:
            uow.connection.execute(location_boxes.insert(), [
                {"location_id": place.id, **_box_view(box)} for box in boxes])
        view = {"location": location, "boxes": [_box_view(box) for box in boxes]}
        uow.publish(Event("location.boxes_changed", {"location": location,
                                                     "boxes": len(boxes)}))
        uow.record(AuditEntry("location.boxes_set", "location", location,
                              before={"boxes": [_box_view(box) for box in before]},
                              after=view))
        uow.commit()
        return view


def get_boxes(connection: Connection, location: str,
              location_scope: frozenset[int] | None = None) -> dict[str, Any]:
    """The location's boxes in the order they were given; 404 unless the caller may see it."""
    place = _visible(connection, location, location_scope)
    return {"location": location,
            "boxes": [_box_view(box) for box in box_types(connection, place.id)]}


def box_types(connection: Connection, location_id: int) -> list[BoxType]:
    box = location_boxes.c
    return [BoxType(row.code, row.length_mm, row.width_mm, row.height_mm, row.max_weight_g)
            for row in connection.execute(
                sa.select(box.code, box.length_mm, box.width_mm, box.height_mm,
                          box.max_weight_g)
                .where(box.location_id == location_id).order_by(box.id))]


def _visible(connection: Connection, location: str, location_scope: frozenset[int] | None,
             *, lock: bool = False) -> Any:
    query = sa.select(locations.c.id).where(locations.c.code == location)
    if lock and connection.dialect.name == "postgresql":
        # Two catalogues set at once take turns: else both delete, then both insert the same
        # codes and one fails on the unique code. (SQLite writers already queue.)
        query = query.with_for_update()
    place = connection.execute(query).first()
    if place is None or (location_scope is not None and place.id not in location_scope):
        raise NotFound(f"location {location!r} not found")
    return place


def _box_view(box: BoxType) -> dict[str, Any]:
    return {"code": box.code, "length_mm": box.length_mm, "width_mm": box.width_mm,
            "height_mm": box.height_mm, "max_weight_g": box.max_weight_g}


def package_views(connection: Connection, fulfillment_order_id: int) -> list[dict[str, Any]]:
    """The fulfillment order's packages in the order they were packed, each with its units."""
    rows = list(connection.execute(
        sa.select(packages).where(packages.c.fulfillment_order_id == fulfillment_order_id)
        .order_by(packages.c.id)))
    items: dict[int, list[dict[str, Any]]] = {row.id: [] for row in rows}
    if rows:
        for item in connection.execute(
                sa.select(package_items.c.package_id, order_lines.c.sku,
                          package_items.c.quantity)
                .join(fulfillment_order_lines,
                      fulfillment_order_lines.c.id == package_items.c.fulfillment_order_line_id)
                .join(order_lines, order_lines.c.id == fulfillment_order_lines.c.order_line_id)
                .where(package_items.c.package_id.in_(list(items)))
                .order_by(package_items.c.package_id, fulfillment_order_lines.c.id)):
            items[item.package_id].append({"sku": item.sku, "quantity": item.quantity})
    return [{"id": row.id, "box": row.box_code, "length_mm": row.length_mm,
             "width_mm": row.width_mm, "height_mm": row.height_mm,
             "weight_grams": row.weight_grams, "items": items[row.id]} for row in rows]
