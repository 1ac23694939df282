"""Reserving and releasing units for orders inside the caller's transaction, each change
announced as `inventory.changed` (and `inventory.low` when it crosses the reorder point)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.engine import Connection

from ordermill.catalog import repository as catalog
from ordermill.inventory import repository
from ordermill.inventory.domain import Level
from ordermill.inventory.service import StockPlace, publish_stock_change
from ordermill.locations.repository import codes_by_id
from ordermill.shared.events import EventSink

Units = Mapping[tuple[int, int], int]  # (product id, location id) -> units


def release_reserved(connection: Connection, sink: EventSink, units: Units) -> None:
    """Give the units back to their stock rows."""
    _change(connection, sink, units, reserve=False)


def reserve(connection: Connection, sink: EventSink, units: Units) -> bool:
    """Reserve all of the units or, when one row no longer has them, none (False)."""
    return _change(connection, sink, units, reserve=True)


def _change(connection: Connection, sink: EventSink, units: Units, *, reserve: bool) -> bool:
    if not units:
        return True
    rows = {(r.product_id, r.location_id): r for r in repository.levels_for(
        connection, {p for p, _ in units}, {loc for _, loc in units})}
    if len(rows) < len(units):
        return False
    ordered = sorted((rows[key].id, key, quantity) for key, quantity in units.items())
    demands = [(level_id, quantity) for level_id, _, quantity in ordered]
    after = repository.reserve(connection, demands) if reserve else repository.release(
        connection, demands)
    if after is None:
        return False
    skus = catalog.skus_by_id(connection, {p for p, _ in units})
    codes = codes_by_id(connection, {loc for _, loc in units})
    sign = 1 if reserve else -1
    for (_, (product_id, location_id), quantity), level in zip(ordered, after, strict=True):
        before = Level(level.on_hand, level.reserved - sign * quantity, level.safety_stock,
                       level.reorder_point)
        publish_stock_change(sink, StockPlace(product_id, skus[product_id], location_id,
                                              codes[location_id]), before, level)
    return True
