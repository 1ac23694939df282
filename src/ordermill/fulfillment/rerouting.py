"""Sending units a location gave back (it rejected its fulfillment order, or found them
missing when picking) to another location, inside the caller's transaction: the same routing
engine and channel rules as a new order, with every location that gave this order back left
out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ordermill.db.uow import RetryTransaction, UnitOfWork
from ordermill.inventory import repository as inventory
from ordermill.inventory import reservations
from ordermill.locations.repository import codes_by_id
from ordermill.orders import repository as orders
from ordermill.orders.domain import ORDER_TRANSITIONS, FulfillmentStatus, OrderStatus, ship_by
from ordermill.orders.intake import fulfillment_order_created
from ordermill.orders.placement import Routed, decision_row
from ordermill.routing import engine, places
from ordermill.routing import repository as routing
from ordermill.routing.domain import Demand
from ordermill.shared.clock import utcnow


@dataclass(frozen=True)
class GivenBack:
    """Units of one order line a location gave back."""

    order_line_id: int
    units: int


def reroute(uow: UnitOfWork, order: Any, units: list[GivenBack], trigger: str) -> dict[str, Any]:
    """Place the given-back units elsewhere; what no location can ship is backordered. Returns
    what went where, for the order's timeline."""
    connection, now = uow.connection, utcnow()
    lines = {line.id: line for line in orders.lines_of(connection, order.id)}
    demands = [Demand(i, given.units, dict(lines[given.order_line_id].parts))
               for i, given in enumerate(units) if given.units > 0]
    gave_back = orders.locations_that_gave_back(connection, order.id)
    candidates_at = routing.places(connection, order.channel_id, gave_back)
    routed = _route(connection, order, candidates_at, demands, lines, units, now)
    by_code = {place.code: place for place in routed.places}
    placed: dict[int, list[tuple[int, int]]] = defaultdict(list)  # location id -> line, units
    to_reserve: dict[tuple[int, int], int] = defaultdict(int)
    for index, code, quantity in routed.plan.allocations:
        line_id = units[index].order_line_id
        placed[by_code[code].id].append((line_id, quantity))
        for product_id, per_unit in lines[line_id].parts:
            to_reserve[(product_id, by_code[code].id)] += quantity * per_unit
    if not reservations.reserve(connection, uow, to_reserve):
        raise RetryTransaction()  # someone took the units since we read them
    for location_id, shipped in placed.items():
        add_to_fulfillment_order(uow, order, by_code, location_id, shipped, lines)
    numbers = {i: lines[given.order_line_id].line_number for i, given in enumerate(units)}
    decision = decision_row(routed, trigger, numbers, now)
    decision["candidates"] += [
        {"location": code, "excluded_by": "gave_back", "why_excluded": "gave this order back",
         "scores": {}, "total": 0.0}
        for code in sorted(codes_by_id(connection, gave_back).values())]
    routing.insert_decisions(connection, [{**decision, "order_id": order.id}])
    if routed.plan.short:
        _backorder(connection, order, now)
    return {"placed": [{"location": code, "sku": lines[units[i].order_line_id].sku,
                        "quantity": quantity} for i, code, quantity in routed.plan.allocations],
            "backordered": {lines[units[i].order_line_id].sku: quantity
                            for i, quantity in routed.plan.short.items()},
            "reason": routed.plan.reason}


def _route(connection: Any, order: Any, candidates_at: list[places.Place],
           demands: list[Demand], lines: Mapping[int, Any], units: list[GivenBack],
           now: Any) -> Routed:
    free: dict[int, dict[int, int]] = defaultdict(dict)
    products = {p for line in lines.values() for p, _ in line.parts}
    for row in inventory.levels_for(connection, products, [p.id for p in candidates_at]):
        free[row.location_id][row.product_id] = row.level.available
    target = places.destination(order.shipping_address)
    rules = routing.rule_set(connection, order.channel_id)
    candidates = [places.candidate(
        place, free.get(place.id, {}), _load(connection, place, now), now, target.country, 0)
        for place in candidates_at]
    return Routed(engine.route(demands, target, candidates, rules), candidates_at, rules)


def _load(connection: Any, place: places.Place, now: Any) -> int:
    if place.daily_order_limit is None:
        return 0
    return routing.load_on(connection, [place.id], places.local_day(place, now)).get(place.id, 0)


def add_to_fulfillment_order(uow: UnitOfWork, order: Any, by_code: Mapping[str, Any],
                             location_id: int, shipped: list[tuple[int, int]],
                             lines: Mapping[int, Any]) -> None:
    """The order's open fulfillment order at the location takes the units, or a new one."""
    connection, now = uow.connection, utcnow()
    place = next(p for p in by_code.values() if p.id == location_id)
    existing = [row for row in orders.fulfillment_orders_of(connection, order.id)
                if row.location_id == location_id and FulfillmentStatus.OPEN in (
                    row.status, row.status_before_hold)]
    if existing:
        fulfillment_order_id = int(existing[0].id)
    else:
        held = order.status == OrderStatus.ON_HOLD  # it waits with the order
        values = {"order_id": order.id, "location_id": location_id,
                  "status": str(FulfillmentStatus.ON_HOLD if held else FulfillmentStatus.OPEN),
                  "status_before_hold": str(FulfillmentStatus.OPEN) if held else None,
                  "priority": order.priority,
                  "ship_by": order.ship_by or ship_by(now, place.cutoff_time, place.timezone),
                  "created_at": now, "updated_at": now}
        [fulfillment_order_id] = orders.insert_fulfillment_orders(connection, [values]).values()
        uow.publish(fulfillment_order_created(
            fulfillment_order_id, order.id, place.code, values,
            [(lines[line_id].sku, quantity) for line_id, quantity in shipped]))
        if place.daily_order_limit is not None and not routing.claim_capacity(
                connection, place.id, places.local_day(place, now), place.daily_order_limit):
            raise RetryTransaction()  # another order took the location's last place today
    orders.insert_fulfillment_order_lines(connection, [
        {"fulfillment_order_id": fulfillment_order_id, "order_id": order.id,
         "order_line_id": line_id, "location_id": location_id, "quantity": quantity}
        for line_id, quantity in shipped])


def _backorder(connection: Any, order: Any, now: Any) -> None:
    """Units no location can ship wait for stock: the order is pending again."""
    if order.status == OrderStatus.ON_HOLD:
        orders.update_order(connection, order.id, {"status_before_hold": str(OrderStatus.PENDING),
                                                   "updated_at": now})
    elif ORDER_TRANSITIONS.allows("backorder", order.status):
        orders.update_order(connection, order.id, {"status": str(OrderStatus.PENDING),
                                                   "updated_at": now})
