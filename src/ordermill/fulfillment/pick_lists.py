"""Storing and reading pick lists: the stops in walking order, who each unit is for, and the
walk the picker is spared (route against S-shape)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.catalog.tables import products
from ordermill.db import raw
from ordermill.fulfillment.documents import PickListDocument, PickStop, pick_list_pdf
from ordermill.fulfillment.tables import pick_list_stops, pick_lists
from ordermill.locations.tables import locations
from ordermill.orders.domain import order_number
from ordermill.orders.tables import fulfillment_orders
from ordermill.shared.clock import rfc3339

STOP_COLUMNS = ("pick_list_id", "sequence", "fulfillment_order_id", "fulfillment_order_line_id",
                "product_id", "sku", "bin", "quantity", "tote")
_STOPS = raw.RawRows(f"INSERT INTO pick_list_stops ({', '.join(STOP_COLUMNS)}) VALUES",
                     f"({', '.join(':' + c for c in STOP_COLUMNS)})")


def insert_pick_list(connection: Connection, values: dict[str, Any],
                     stops: Sequence[dict[str, Any]]) -> int:
    pick_list_id = int(connection.execute(pick_lists.insert().values(**values)
                                          .returning(pick_lists.c.id)).scalar_one())
    raw.run_rows(connection, _STOPS, [{**stop, "pick_list_id": pick_list_id} for stop in stops])
    return pick_list_id


def lock_pick_list(connection: Connection, pick_list_id: int) -> Any:
    query = sa.select(pick_lists).where(pick_lists.c.id == pick_list_id)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    return connection.execute(query).first()


def stops_of(connection: Connection, pick_list_id: int) -> list[Any]:
    return list(connection.execute(sa.select(pick_list_stops).where(
        pick_list_stops.c.pick_list_id == pick_list_id).order_by(pick_list_stops.c.sequence)))


def confirm_stop(connection: Connection, stop_id: int, picked: int) -> None:
    connection.execute(pick_list_stops.update().where(pick_list_stops.c.id == stop_id)
                       .values(picked_quantity=picked))


def update_pick_list(connection: Connection, pick_list_id: int, values: dict[str, Any]) -> None:
    connection.execute(pick_lists.update().where(pick_lists.c.id == pick_list_id)
                       .values(**values))


def pick_list_code(pick_list_id: int) -> str:
    return f"PL-{pick_list_id:06d}"


def get_pick_list(connection: Connection, pick_list_id: int,
                  location_scope: frozenset[int] | None = None) -> dict[str, Any] | None:
    """The list as the picker and the API see it."""
    query = (sa.select(pick_lists, locations.c.code.label("location"))
             .join(locations, locations.c.id == pick_lists.c.location_id)
             .where(pick_lists.c.id == pick_list_id))
    if location_scope is not None:
        query = query.where(pick_lists.c.location_id.in_(location_scope))
    row = connection.execute(query).first()
    if row is None:
        return None
    stop = pick_list_stops.c
    stops = list(connection.execute(
        sa.select(stop.sequence, stop.bin, stop.sku, products.c.name, products.c.gtin,
                  stop.quantity, stop.tote, stop.fulfillment_order_id, stop.picked_quantity,
                  fulfillment_orders.c.order_id)
        .join(products, products.c.id == stop.product_id)
        .join(fulfillment_orders, fulfillment_orders.c.id == stop.fulfillment_order_id)
        .where(stop.pick_list_id == pick_list_id).order_by(stop.sequence)))
    totes = {s.fulfillment_order_id: (s.tote, s.order_id) for s in stops}
    return {
        "id": row.id, "code": pick_list_code(row.id), "location": row.location,
        "status": row.status, "route_length_m": row.route_length_m,
        "s_shape_length_m": row.s_shape_length_m,
        "fulfillment_orders": [{"id": fo_id, "tote": tote, "order_id": oid,
                                "order_number": order_number(oid)}
                               for fo_id, (tote, oid) in sorted(totes.items())],
        "stops": [{"sequence": s.sequence, "bin": s.bin, "sku": s.sku, "name": s.name,
                   "barcode": s.gtin or s.sku, "quantity": s.quantity, "tote": s.tote,
                   "fulfillment_order_id": s.fulfillment_order_id,
                   "picked_quantity": s.picked_quantity} for s in stops],
        "created_by": row.created_by, "created_at": rfc3339(row.created_at),
        "completed_at": rfc3339(row.completed_at),
    }


def list_pick_lists(connection: Connection, *, location: str | None = None,
                    fulfillment_order_id: int | None = None, status: str | None = None,
                    location_scope: frozenset[int] | None = None,
                    limit: int = 20) -> list[dict[str, Any]]:
    """Pick lists newest first, each with how many of its stops the picker has counted: a
    location's open lists, or the lists that took one fulfillment order."""
    stop = pick_list_stops.c
    stops = (sa.select(sa.func.count()).where(stop.pick_list_id == pick_lists.c.id)
             .scalar_subquery())
    counted = (sa.select(sa.func.count()).where(stop.pick_list_id == pick_lists.c.id,
                                                stop.picked_quantity.is_not(None))
               .scalar_subquery())
    query = (sa.select(pick_lists.c.id, pick_lists.c.status, pick_lists.c.created_by,
                       pick_lists.c.created_at, locations.c.code.label("location"),
                       stops.label("stops"), counted.label("counted"))
             .join(locations, locations.c.id == pick_lists.c.location_id)
             .order_by(pick_lists.c.id.desc()).limit(limit))
    if location is not None:
        query = query.where(locations.c.code == location)
    if status is not None:
        query = query.where(pick_lists.c.status == status)
    if location_scope is not None:
        query = query.where(pick_lists.c.location_id.in_(location_scope))
    if fulfillment_order_id is not None:
        query = query.where(pick_lists.c.id.in_(
            sa.select(stop.pick_list_id).where(stop.fulfillment_order_id == fulfillment_order_id)))
    return [{"id": row.id, "code": pick_list_code(row.id), "location": row.location,
             "status": row.status, "stops": row.stops, "counted": row.counted,
             "created_by": row.created_by, "created_at": rfc3339(row.created_at)}
            for row in connection.execute(query)]


def printed(view: dict[str, Any]) -> bytes:
    """The pick list as `get_pick_list` shows it, as a PDF to walk with."""
    return pick_list_pdf(PickListDocument(
        view["code"], view["location"], datetime.fromisoformat(view["created_at"]),
        view["route_length_m"] or 0.0, view["s_shape_length_m"] or 0.0,
        [PickStop(s["sequence"], s["bin"] or "-", s["sku"], s["name"], s["quantity"], s["tote"],
                  s["barcode"]) for s in view["stops"]]))
