"""Use cases of picking: a pick list for some of a location's open fulfillment orders, in the
shortest walk its layout allows, and the picker confirming what was found. Units not found are
written off, released and routed elsewhere. One transaction each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ordermill.catalog.repository import skus_by_id
from ordermill.db.uow import UnitOfWork, run_with_retries
from ordermill.fulfillment import pick_lists
from ordermill.fulfillment import repository as floor
from ordermill.fulfillment.pick_lists import get_pick_list, pick_list_code
from ordermill.fulfillment.pick_route import shortest_route
from ordermill.fulfillment.pick_tour import Blocks, shortest_tour
from ordermill.fulfillment.rerouting import GivenBack, reroute
from ordermill.fulfillment.warehouse import Aisles, Spot, s_shape_length
from ordermill.fulfillment.waves import CartCapacity, OpenOrder, plan_waves
from ordermill.fulfillment.work_queue import list_fulfillment_orders
from ordermill.inventory import reservations
from ordermill.inventory.service import StockPlace, write_off
from ordermill.locations.repository import location_by_code
from ordermill.orders import repository as orders
from ordermill.orders.domain import (
    FULFILLMENT_TRANSITIONS,
    ORDER_TRANSITIONS,
    FulfillmentStatus,
    ship_by,
)
from ordermill.shared.clock import utcnow
from ordermill.shared.errors import Conflict, ErrorCollector, NotFound, ValidationFailed
from ordermill.shared.events import AuditEntry, Event

MAX_ORDERS_PER_LIST = 100


@dataclass(frozen=True)
class Wave:
    """Which open fulfillment orders a wave takes: the most urgent that fit one cart."""

    max_orders: int | None = None
    max_units: int | None = None


@dataclass(frozen=True)
class Confirmation:
    sequence: int
    picked_quantity: int


def create_pick_list(uow: UnitOfWork, location: str, fulfillment_order_ids: Sequence[int] | None,
                     wave: Wave | None = None,
                     location_scope: frozenset[int] | None = None) -> dict[str, Any]:
    """Named fulfillment orders (one tote each, in the order given), or the next wave."""
    with uow:
        place = location_by_code(uow.connection, location)
        if place is None or (location_scope is not None and place.id not in location_scope):
            raise NotFound(f"location {location!r} not found")
        chosen = (_named(fulfillment_order_ids) if fulfillment_order_ids is not None
                  else _next_wave(uow, location, wave or Wave()))
        rows = _start_picking(uow, place.id, chosen)
        stops, route, s_shape = _walk(uow, place.id, rows)
        now = utcnow()
        pick_list_id = pick_lists.insert_pick_list(uow.connection, {
            "location_id": place.id, "status": "open", "route_length_m": route,
            "s_shape_length_m": s_shape, "created_by": uow.actor.label, "created_at": now},
            stops)
        uow.publish(Event("pick_list.created", {
            "pick_list_id": pick_list_id, "location": location,
            "fulfillment_orders": [row.id for row in rows]}))
        uow.record(AuditEntry("pick_list.created", "pick_list", pick_list_code(pick_list_id),
                              after={"fulfillment_orders": [row.id for row in rows],
                                     "stops": len(stops), "route_length_m": route}))
        view = get_pick_list(uow.connection, pick_list_id)
        uow.commit()
        assert view is not None
        return view


def _named(ids: Sequence[int]) -> list[int]:
    errors = ErrorCollector()
    if not 1 <= len(ids) <= MAX_ORDERS_PER_LIST:
        errors.add("fulfillment_orders", f"1 to {MAX_ORDERS_PER_LIST} fulfillment orders")
    if len(set(ids)) != len(ids):
        errors.add("fulfillment_orders", "each fulfillment order once")
    errors.raise_if_any()
    return list(ids)


def _next_wave(uow: UnitOfWork, location: str, wave: Wave) -> list[int]:
    if wave.max_orders is None and wave.max_units is None:
        wave = Wave(max_orders=MAX_ORDERS_PER_LIST)
    queue, _ = list_fulfillment_orders(uow.connection, location=location,
                                       statuses=[FulfillmentStatus.OPEN], limit=500)
    place = location_by_code(uow.connection, location)
    waiting = [OpenOrder(fo["id"], _rank(fo["priority"]), _moment(fo["ship_by"]),
                         _cutoff(place, _moment(fo["created_at"])),
                         _moment(fo["created_at"]) or utcnow(), max(fo["units"], 1), 1)
               for fo in queue if fo["units"] > 0]
    if not waiting:
        raise Conflict(f"location {location!r} has no open fulfillment order to pick")
    planned = plan_waves(waiting, CartCapacity(wave.max_orders, wave.max_units), now=utcnow())
    return [tote.order_id for tote in planned[0].totes]


def _cutoff(place: Any, created_at: datetime | None) -> datetime | None:
    """The carrier cut-off a fulfillment order must make: the location's first one after the
    order reached it; None where the location has no cut-off."""
    if place is None or place.cutoff_time is None or created_at is None:
        return None
    return ship_by(created_at, place.cutoff_time, place.timezone)


def _rank(priority: str) -> int:
    return ("urgent", "high", "normal", "low").index(priority) + 1


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def _start_picking(uow: UnitOfWork, location_id: int, ids: list[int]) -> list[Any]:
    """The fulfillment orders, locked after their orders (as cancellations take them), each
    moved to in progress; their confirmed orders are now in fulfillment."""
    found = {row.id: row for row in (orders.fulfillment_order(uow.connection, i) for i in ids)
             if row is not None and row.location_id == location_id}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed.on("fulfillment_orders",
                                  f"no fulfillment order {missing[0]} at this location")
    for order_id in sorted({row.order_id for row in found.values()}):
        order = orders.lock_order(uow.connection, order_id)
        if ORDER_TRANSITIONS.allows("start fulfillment", order.status):
            orders.update_order(uow.connection, order_id, {
                "status": ORDER_TRANSITIONS.apply("start fulfillment", order.status),
                "updated_at": utcnow()})
    rows = [orders.lock_fulfillment_order(uow.connection, i) for i in ids]
    for row in rows:
        FULFILLMENT_TRANSITIONS.apply("start picking", row.status)
    orders.update_fulfillment_orders(uow.connection, ids, {
        "status": str(FulfillmentStatus.IN_PROGRESS), "updated_at": utcnow()})
    return rows


def _walk(uow: UnitOfWork, location_id: int,
          rows: list[Any]) -> tuple[list[dict[str, Any]], float | None, float | None]:
    """The stops (a component of a kit is picked as itself), in the shortest walk through the
    location's layout; stops without a bin come last, by sku."""
    wanted = _wanted(uow, rows)
    layout = floor.layout_row(uow.connection, location_id)
    bins = {b.product_id: b for b in floor.bins_by_product(uow.connection, location_id)} \
        if layout is not None else {}
    placed = [stop for stop in wanted if stop["product_id"] in bins]
    loose = sorted((s for s in wanted if s["product_id"] not in bins),
                   key=lambda s: (s["sku"], s["tote"]))
    route = s_shape = None
    if layout is not None and placed:
        aisles = Aisles(layout.aisle_count, layout.aisle_length_m, layout.aisle_spacing_m)
        depot = Spot(layout.depot_aisle, layout.depot_position_m)
        spots = [Spot(bins[s["product_id"]].aisle, bins[s["product_id"]].position_m)
                 for s in placed]
        if layout.cross_aisle_count <= 2:
            walk = shortest_route(aisles, depot, spots)
            order, route = walk.order, walk.length_m
            s_shape = s_shape_length(aisles, depot, spots)
        else:
            tour = shortest_tour(Blocks(aisles, layout.cross_aisle_count), depot, spots)
            order, route = tour.order, tour.length_m
        placed = [placed[i] for i in order]
    stops = [{**stop, "bin": bins[stop["product_id"]].code if stop["product_id"] in bins
              else None, "sequence": number}
             for number, stop in enumerate([*placed, *loose], start=1)]
    return stops, None if route is None else round(route, 2), \
        None if s_shape is None else round(s_shape, 2)


def _wanted(uow: UnitOfWork, rows: list[Any]) -> list[dict[str, Any]]:
    """What to take off the shelves for each fulfillment order: components of kits."""
    wanted = []
    for number, row in enumerate(rows, start=1):
        lines = {line.id: line for line in orders.lines_of(uow.connection, row.order_id)}
        for fo_line in orders.fulfillment_order_lines_of(uow.connection, row.id):
            if fo_line.quantity == 0:
                continue
            line = lines[fo_line.order_line_id]
            for product_id, per_unit in line.parts:
                wanted.append({"fulfillment_order_id": row.id,
                               "fulfillment_order_line_id": fo_line.id,
                               "product_id": product_id, "quantity": fo_line.quantity * per_unit,
                               "tote": f"T{number}"})
    if not wanted:
        raise Conflict("these fulfillment orders hold nothing to pick")
    skus = skus_by_id(uow.connection, {stop["product_id"] for stop in wanted})
    return [{**stop, "sku": skus[stop["product_id"]]} for stop in wanted]


def confirm_pick_list(uow: UnitOfWork, pick_list_id: int,
                      confirmations: Sequence[Confirmation] | None = None,
                      location_scope: frozenset[int] | None = None) -> dict[str, Any]:
    """The picker's count for some stops, or every stop as listed; once every stop is
    counted, the list is done: what was found is picked, what was not is written off and
    routed elsewhere (again from the start if stock it wanted was taken meanwhile)."""
    return run_with_retries(lambda: _confirm(uow, pick_list_id, confirmations, location_scope))


def _confirm(uow: UnitOfWork, pick_list_id: int, confirmations: Sequence[Confirmation] | None,
             location_scope: frozenset[int] | None) -> dict[str, Any]:
    with uow:
        found = get_pick_list(uow.connection, pick_list_id, location_scope)
        if found is None:
            raise NotFound(f"pick list {pick_list_id} not found")
        locked_orders = {order_id: orders.lock_order(uow.connection, order_id)
                         for order_id in sorted({fo["order_id"]
                                                 for fo in found["fulfillment_orders"]})}
        pick_list = pick_lists.lock_pick_list(uow.connection, pick_list_id)
        if pick_list.status != "open":
            raise Conflict(f"pick list {pick_list_code(pick_list_id)} is {pick_list.status}")
        stops = pick_lists.stops_of(uow.connection, pick_list_id)
        for stop_id, picked in _counts(stops, confirmations):
            pick_lists.confirm_stop(uow.connection, stop_id, picked)
        stops = pick_lists.stops_of(uow.connection, pick_list_id)
        if all(stop.picked_quantity is not None for stop in stops):
            _complete(uow, pick_list, stops, locked_orders, found["location"])
        view = get_pick_list(uow.connection, pick_list_id)
        uow.commit()
        assert view is not None
        return view


def _counts(stops: list[Any], confirmations: Sequence[Confirmation] | None
            ) -> list[tuple[int, int]]:
    if confirmations is None:
        return [(stop.id, stop.quantity) for stop in stops if stop.picked_quantity is None]
    by_sequence = {stop.sequence: stop for stop in stops}
    errors, counted = ErrorCollector(), list[tuple[int, int]]()
    if not confirmations:
        errors.add("lines", "count at least one stop, or send none to confirm every stop")
    for index, given in enumerate(confirmations):
        stop = by_sequence.get(given.sequence)
        if stop is None:
            errors.add(f"lines.{index}.sequence", f"the list has no stop {given.sequence}")
        elif not 0 <= given.picked_quantity <= stop.quantity:
            errors.add(f"lines.{index}.picked_quantity", f"0 to the {stop.quantity} listed")
        elif any(stop.id == stop_id for stop_id, _ in counted):
            errors.add(f"lines.{index}.sequence", f"stop {given.sequence} is counted twice")
        else:
            counted.append((stop.id, given.picked_quantity))
    errors.raise_if_any("these stops cannot be confirmed")
    return counted


def _complete(uow: UnitOfWork, pick_list: Any, stops: list[Any], locked_orders: dict[int, Any],
              location: str) -> None:
    found: dict[tuple[int, int], int] = defaultdict(int)  # (fo line, product) -> units
    for stop in stops:
        found[(stop.fulfillment_order_line_id, stop.product_id)] += stop.picked_quantity
    for fulfillment_order_id in sorted({stop.fulfillment_order_id for stop in stops}):
        row = orders.lock_fulfillment_order(uow.connection, fulfillment_order_id)
        # Cancelled or held while the picker walked: its units go back on the shelf.
        if row.status == FulfillmentStatus.IN_PROGRESS:
            _settle(uow, row, found, locked_orders[row.order_id], location)
    pick_lists.update_pick_list(uow.connection, pick_list.id, {
        "status": "completed", "completed_at": utcnow()})
    uow.publish(Event("pick_list.completed", {"pick_list_id": pick_list.id,
                                              "location": location}))


def _settle(uow: UnitOfWork, row: Any, found: dict[tuple[int, int], int], order: Any,
            location: str) -> None:
    """One fulfillment order after its walk: picked what was found; the rest short."""
    lines = {line.id: line for line in orders.lines_of(uow.connection, row.order_id)}
    to_release: dict[tuple[int, int], int] = defaultdict(int)
    missing: dict[int, int] = defaultdict(int)
    short: list[GivenBack] = []
    for fo_line in orders.fulfillment_order_lines_of(uow.connection, row.id):
        if fo_line.quantity == 0:
            continue
        parts = lines[fo_line.order_line_id].parts
        picked = min(found[(fo_line.id, p)] // per for p, per in parts)
        units_short = fo_line.quantity - picked
        orders.change_fulfillment_order_line(
            uow.connection, fo_line.id, quantity=-units_short, short_quantity=units_short,
            picked_quantity=picked - fo_line.picked_quantity)
        for product_id, per_unit in parts:
            missing[product_id] += fo_line.quantity * per_unit - found[(fo_line.id, product_id)]
            to_release[(product_id, row.location_id)] += units_short * per_unit
        if units_short:
            short.append(GivenBack(fo_line.order_line_id, units_short))
    _write_off(uow, row, to_release, missing, location)
    _finish(uow, row, order, short, lines, location)


def _write_off(uow: UnitOfWork, row: Any, to_release: dict[tuple[int, int], int],
               missing: dict[int, int], location: str) -> None:
    reservations.release_reserved(uow.connection, uow,
                                  {key: units for key, units in to_release.items() if units})
    skus = skus_by_id(uow.connection, [p for p, units in missing.items() if units])
    for product_id, units in sorted(missing.items()):
        if units:
            write_off(uow, StockPlace(product_id, skus[product_id], row.location_id, location),
                      units, "short pick", ("fulfillment_order", str(row.id)))


def _finish(uow: UnitOfWork, row: Any, order: Any, short: list[GivenBack],
            lines: dict[int, Any], location: str) -> None:
    now = utcnow()
    left = any(line.quantity for line in orders.fulfillment_order_lines_of(uow.connection,
                                                                            row.id))
    action = "finish picking" if left else "reject"
    values: dict[str, Any] = {"status": FULFILLMENT_TRANSITIONS.apply(action, row.status),
                              "updated_at": now}
    if not left:
        values["rejection_reason"] = "nothing was found when picking"
    orders.update_fulfillment_orders(uow.connection, [row.id], values)
    if left:
        uow.publish(Event("fulfillment_order.picked", {
            "fulfillment_order_id": row.id, "order_id": row.order_id, "location": location}))
    if not short:
        return
    reported = {"fulfillment_order_id": row.id, "order_id": row.order_id, "location": location,
                "lines": {lines[g.order_line_id].sku: g.units for g in short}}
    uow.publish(Event("fulfillment_order.short_picked", reported))
    outcome = reroute(uow, order, short, "short_pick")
    orders.append_events(uow.connection, row.order_id, uow.actor.label, now, [
        ("fulfillment_order.short_picked", reported), ("order.rerouted", outcome)])
