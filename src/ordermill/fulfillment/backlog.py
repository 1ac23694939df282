"""Re-optimising the backlog: the open fulfillment orders nobody has started to pick, decided
again all at once by the exact optimiser (routing/optimizer.py), proposed with the savings and
applied only on confirmation. Orders with kits, or with work already started, stay as they
are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.catalog.tables import products
from ordermill.db.uow import RetryTransaction, UnitOfWork, run_with_retries
from ordermill.fulfillment.rerouting import add_to_fulfillment_order
from ordermill.inventory import repository as inventory
from ordermill.inventory import reservations
from ordermill.orders import repository as orders
from ordermill.orders.domain import FULFILLMENT_TRANSITIONS, FulfillmentStatus
from ordermill.orders.tables import fulfillment_order_lines, fulfillment_orders
from ordermill.routing import places
from ordermill.routing import repository as routing
from ordermill.routing.optimizer import LocationStock, OpenOrder, moves, optimize, plan_cost
from ordermill.routing.places import Place
from ordermill.routing.tables import routing_optimizations
from ordermill.shared.clock import rfc3339, utcnow
from ordermill.shared.errors import Conflict, NotFound
from ordermill.shared.events import AuditEntry, Event

Plan = dict[int, list[tuple[str, int, int]]]  # order id -> (location code, product, units)


@dataclass
class Backlog:
    orders: list[OpenOrder] = field(default_factory=list)
    current: Plan = field(default_factory=dict)
    basis: dict[int, list[list[int]]] = field(default_factory=dict)  # [fo line id, units]
    held: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    places: dict[str, Place] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def propose(uow: UnitOfWork, split_penalty: int) -> dict[str, Any]:
    """Decide the whole backlog again and keep the moves that would lower its cost."""
    now = utcnow()
    # Read and solve outside any write transaction: the solver may take a while, and apply
    # checks every move against the backlog as it is by then.
    with uow.database.reading() as connection:
        backlog = read_backlog(connection)
        stock = _stock(connection, backlog, now)
    # Starting from the current plan, the answer never costs more than what is there now,
    # even when the time limit stops the solver early.
    best = optimize(backlog.orders, stock, split_penalty, start=backlog.current,
                    time_limit=60.0)
    before = plan_cost(backlog.orders, backlog.current, split_penalty)
    changed = [m for m in moves(backlog.current, best.assignments)
               if not best.unserved_units.get(m.order)]
    current_cost = before.shipping + before.splits
    optimal_cost = best.shipping_cost + best.split_penalty_cost
    summary = {"orders": len(backlog.orders), "moved_orders": len(changed),
               "current_cost": current_cost, "optimal_cost": optimal_cost,
               "savings": current_cost - optimal_cost, "split_penalty": split_penalty,
               "proven_optimal": best.proven_optimal, "seconds": round(best.seconds, 2),
               "left_out": dict(backlog.left_out)}
    moved = {str(m.order): {"before": backlog.current[m.order],
                            "after": best.assignments[m.order]} for m in changed}
    with uow:
        optimization_id = int(uow.connection.execute(routing_optimizations.insert().values(
            status="proposed", summary=summary, moves=moved,
            basis={str(m.order): backlog.basis[m.order] for m in changed},
            created_by=uow.actor.label, created_at=now).returning(
            routing_optimizations.c.id)).scalar_one())
        uow.record(AuditEntry("routing.optimization_proposed", "routing_optimization",
                              str(optimization_id), after=summary))
        view = get_optimization(uow.connection, optimization_id)
        uow.commit()
        assert view is not None
        return view


def read_backlog(connection: Connection) -> Backlog:
    """Orders whose every active fulfillment order is open, with their units per location."""
    backlog = Backlog()
    rows = list(connection.execute(
        sa.select(fulfillment_orders.c.order_id, fulfillment_orders.c.status,
                  fulfillment_order_lines.c.id, fulfillment_order_lines.c.order_line_id,
                  fulfillment_order_lines.c.location_id, fulfillment_order_lines.c.quantity)
        .join(fulfillment_order_lines,
              fulfillment_order_lines.c.fulfillment_order_id == fulfillment_orders.c.id)
        .where(fulfillment_orders.c.status.in_([
            FulfillmentStatus.OPEN, FulfillmentStatus.IN_PROGRESS, FulfillmentStatus.PICKED,
            FulfillmentStatus.PACKED, FulfillmentStatus.ON_HOLD]),
               fulfillment_order_lines.c.quantity > 0)
        .order_by(fulfillment_orders.c.order_id, fulfillment_order_lines.c.id)))
    by_order: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_order[row.order_id].append(row)
    for order_id, held in by_order.items():
        if any(row.status != FulfillmentStatus.OPEN for row in held):
            backlog.left_out["work started or on hold"] += 1
            continue
        _add_order(connection, backlog, order_id, held)
    return backlog


def _add_order(connection: Connection, backlog: Backlog, order_id: int, held: list[Any]) -> None:
    order = orders.order_row(connection, order_id)
    lines = {line.id: line for line in orders.lines_of(connection, order_id)}
    if any(len(lines[row.order_line_id].parts) != 1
           or lines[row.order_line_id].parts[0][1] != 1 for row in held):
        backlog.left_out["kits"] += 1
        return
    sites = routing.places(connection, order.channel_id,
                           orders.locations_that_gave_back(connection, order_id))
    target = places.destination(order.shipping_address)
    grams = _grams(connection, lines)
    cost = {}
    for site in sites:
        if site.shipping_rates is not None and (site.ships_to is None
                                                or target.country in site.ships_to):
            cost[site.code] = site.shipping_rates.estimate(site.country, target.country, grams)
            backlog.places[site.code] = site
    codes = {site.id: site.code for site in sites} | {
        p.id: p.code for p in backlog.places.values()}
    if any(row.location_id not in codes or codes[row.location_id] not in cost for row in held):
        backlog.left_out["held where no rates are known"] += 1
        return
    demand: dict[int, int] = defaultdict(int)
    plan = []
    for row in held:
        product = lines[row.order_line_id].parts[0][0]
        demand[product] += row.quantity
        plan.append((codes[row.location_id], product, row.quantity))
        backlog.held[(codes[row.location_id], product)] += row.quantity
    backlog.orders.append(OpenOrder(order_id, dict(demand), cost))
    backlog.current[order_id] = plan
    backlog.basis[order_id] = [[row.id, row.quantity] for row in held]


def _grams(connection: Connection, lines: dict[int, Any]) -> int:
    weights = dict(connection.execute(sa.select(products.c.id, products.c.weight_grams).where(
        products.c.id.in_([line.product_id for line in lines.values()]))).all())
    return sum(weights.get(line.product_id, 0) * line.quantity for line in lines.values())


def _stock(connection: Connection, backlog: Backlog, now: Any) -> list[LocationStock]:
    """Each location's free units with what the backlog holds there given back, and the
    places it has left today."""
    by_id = {site.id: site for site in backlog.places.values()}
    free: dict[str, dict[int, int]] = {site.code: {} for site in by_id.values()}
    for row in inventory.levels_for_locations(connection, list(by_id)):
        code = by_id[row.location_id].code
        free[code][row.product_id] = row.level.available + backlog.held.get(
            (code, row.product_id), 0)
    stock = []
    for site in by_id.values():
        capacity = None
        if site.daily_order_limit is not None:
            load = routing.load_on(connection, [site.id], places.local_day(site, now))
            shipping_here = sum(1 for plan in backlog.current.values()
                                if any(code == site.code for code, _, _ in plan))
            capacity = max(0, site.daily_order_limit - load.get(site.id, 0)) + shipping_here
        stock.append(LocationStock(site.code, free[site.code], capacity))
    return stock


def apply(uow: UnitOfWork, optimization_id: int) -> dict[str, Any]:
    """Carry out the proposed moves; an order that changed since the proposal, or whose new
    locations no longer have the units, keeps its fulfillment orders."""
    return run_with_retries(lambda: _apply(uow, optimization_id))


def _apply(uow: UnitOfWork, optimization_id: int) -> dict[str, Any]:
    with uow:
        query = sa.select(routing_optimizations).where(
            routing_optimizations.c.id == optimization_id)
        if uow.connection.dialect.name == "postgresql":
            query = query.with_for_update()
        proposal = uow.connection.execute(query).first()
        if proposal is None:
            raise NotFound(f"routing optimization {optimization_id} not found")
        if proposal.status != "proposed":
            raise Conflict(f"routing optimization {optimization_id} is {proposal.status}")
        applied: list[int] = []
        skipped: list[int] = []
        for key in sorted(proposal.moves, key=int):
            moved = _move(uow, int(key), proposal.basis[key], proposal.moves[key]["after"])
            (applied if moved else skipped).append(int(key))
        uow.connection.execute(routing_optimizations.update().where(
            routing_optimizations.c.id == optimization_id).values(
            status="applied", applied_at=utcnow(),
            summary={**proposal.summary, "applied_orders": applied, "skipped_orders": skipped}))
        uow.publish(Event("routing.optimization_applied", {
            "optimization_id": optimization_id, "orders": applied}))
        uow.record(AuditEntry("routing.optimization_applied", "routing_optimization",
                              str(optimization_id), after={"applied": applied,
                                                           "skipped": skipped}))
        view = get_optimization(uow.connection, optimization_id)
        uow.commit()
        assert view is not None
        return view


def _move(uow: UnitOfWork, order_id: int, basis: list[list[int]],
          after: list[list[Any]]) -> bool:
    connection, now = uow.connection, utcnow()
    order = orders.lock_order(connection, order_id)
    rows = orders.fulfillment_orders_of(connection, order_id)
    live = [row for row in rows if row.status not in (
        FulfillmentStatus.CANCELLED, FulfillmentStatus.REJECTED, FulfillmentStatus.SHIPPED)]
    held = [[line.id, line.quantity] for row in live
            for line in orders.fulfillment_order_lines_of(connection, row.id) if line.quantity]
    if sorted(held) != sorted(basis) or any(r.status != FulfillmentStatus.OPEN for r in live):
        return False
    lines = {line.id: line for line in orders.lines_of(connection, order_id)}
    sites = {site.code: site for site in routing.places(connection, order.channel_id)}
    if any(code not in sites for code, _, _ in after):
        return False
    to_release: dict[tuple[int, int], int] = defaultdict(int)
    for row in live:
        for line in orders.fulfillment_order_lines_of(connection, row.id):
            if line.quantity:
                orders.change_fulfillment_order_line(connection, line.id, quantity=-line.quantity)
                to_release[(lines[line.order_line_id].parts[0][0], row.location_id)] += \
                    line.quantity
        orders.update_fulfillment_orders(connection, [row.id], {
            "status": FULFILLMENT_TRANSITIONS.apply("cancel", row.status), "updated_at": now})
        uow.publish(Event("fulfillment_order.cancelled", {
            "fulfillment_order_id": row.id, "order_id": order_id, "reason": "re-optimised"}))
    reservations.release_reserved(connection, uow, to_release)
    shipped = _to_lines(lines, after, sites)
    if not reservations.reserve(connection, uow, {
            (lines[line_id].parts[0][0], sites[code].id): units
            for code, line_units in shipped.items() for line_id, units in line_units}):
        raise RetryTransaction()  # the units went elsewhere since the proposal was read
    for code, line_units in shipped.items():
        add_to_fulfillment_order(uow, order, sites, sites[code].id, line_units, lines)
    routing.insert_decisions(connection, [{
        "order_id": order_id, "trigger": "optimization", "policy": "batch optimum",
        "candidates": [], "short": {}, "decided_at": now,
        "allocations": [{"line_number": lines[i].line_number, "location": code,
                         "quantity": units} for code, pairs in shipped.items()
                        for i, units in pairs],
        "reason": "the open backlog, decided again at once, ships it from "
                  + ", ".join(sorted(shipped)) + " for less"}])
    orders.append_events(connection, order_id, uow.actor.label, now, [("order.rerouted", {
        "trigger": "optimization", "placed": [{"location": code, "sku": lines[i].sku,
                                               "quantity": units}
                                              for code, pairs in shipped.items()
                                              for i, units in pairs]})])
    return True


def _to_lines(lines: dict[int, Any], after: list[list[Any]],
              sites: dict[str, Place]) -> dict[str, list[tuple[int, int]]]:
    """The optimiser's units per product, handed back to the order lines of that product."""
    wanted: dict[int, list[list[int]]] = defaultdict(list)  # product -> [[line id, units left]]
    for line in lines.values():
        open_units = line.quantity - line.cancelled_quantity - line.shipped_quantity
        if open_units:
            wanted[line.parts[0][0]].append([line.id, open_units])
    shipped: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for code, product, units in after:
        for pair in wanted[product]:
            take = min(units, pair[1])
            if take:
                shipped[code].append((pair[0], take))
                pair[1] -= take
                units -= take
    return dict(shipped)


def get_optimization(connection: Connection, optimization_id: int) -> dict[str, Any] | None:
    row = connection.execute(sa.select(routing_optimizations).where(
        routing_optimizations.c.id == optimization_id)).first()
    if row is None:
        return None
    return {"id": row.id, "status": row.status, **row.summary,
            "moves": [{"order_id": int(key), **moved} for key, moved in row.moves.items()],
            "created_by": row.created_by, "created_at": rfc3339(row.created_at),
            "applied_at": rfc3339(row.applied_at)}
