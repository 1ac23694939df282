"""Order intake: validate, deduplicate, snapshot totals, reserve stock, all in one transaction.

This is the hot path (its statements live in intake_store.py). Reads come first; then the
order's rows; the conditional stock updates come last, just before the outbox rows and the
commit, so the hottest rows stay locked for the shortest time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ordermill.channels.domain import PAYMENT_TERMS, ShortagePolicy
from ordermill.customers import repository as customers
from ordermill.db import raw
from ordermill.db.uow import RetryTransaction, UnitOfWork, run_with_retries
from ordermill.inventory import repository as inventory
from ordermill.inventory.domain import Level
from ordermill.inventory.service import StockPlace, publish_stock_change
from ordermill.orders import intake_store as store
from ordermill.orders import repository
from ordermill.orders.allocation import AllocationPlan, from_route
from ordermill.orders.domain import (
    FulfillmentStatus,
    OrderInput,
    OrderStatus,
    Totals,
    line_total,
    order_number,
    order_totals,
    ship_by,
    validate_order,
)
from ordermill.orders.placement import Routed, claim_capacity, decision_row, route_order
from ordermill.orders.queries import assemble_order, get_order
from ordermill.routing.domain import Demand
from ordermill.routing.places import Place
from ordermill.shared.clock import rfc3339, utcnow
from ordermill.shared.errors import ErrorCollector, InsufficientStock, Shortage, ValidationFailed
from ordermill.shared.events import AuditEntry, Event


@dataclass(frozen=True)
class PlacedOrder:
    order: dict[str, Any]
    created: bool


class _AlreadyPlaced(Exception):
    def __init__(self, order_id: int) -> None:
        self.order_id = order_id


def place_order(uow: UnitOfWork, order: OrderInput) -> PlacedOrder:
    """Create the order once; the same channel + external id again returns the first one."""
    try:
        return run_with_retries(lambda: _place(uow, order))
    except _AlreadyPlaced as placed:
        with uow.database.reading() as connection:
            existing = get_order(connection, placed.order_id)
        assert existing is not None
        return PlacedOrder(existing, created=False)


@dataclass
class OrderCatalog:
    """The products an order's lines name, with what each sold unit takes from stock."""

    products: dict[str, store.Product]
    parts: dict[str, dict[int, int]]  # sku -> product id -> units per sold unit
    skus: dict[int, str]  # every product id involved, kit components included


def _load_catalog(order: OrderInput, catalog: store.Catalog,
                  errors: ErrorCollector) -> OrderCatalog:
    parts: dict[str, dict[int, int]] = {}
    for index, line in enumerate(order.lines):
        product = catalog.products.get(line.sku)
        if product is None:
            errors.add(f"lines.{index}.sku", f"unknown sku {line.sku!r}")
        elif not product.active:
            errors.add(f"lines.{index}.sku", f"{line.sku} is no longer sold")
        elif product.is_kit:
            parts[line.sku] = dict(catalog.kits.get(product.id, {}))
        else:
            parts[line.sku] = {product.id: 1}
    return OrderCatalog(catalog.products, parts, catalog.skus)


def read_for(connection: Connection, order: OrderInput) -> store.IntakeReads:
    """What taking this order needs to know, in one statement on PostgreSQL."""
    return store.read(connection, order.channel, order.external_id,
                      [line.sku for line in order.lines])


def active_channel(found: store.Channel | None, code: str) -> store.Channel:
    """The channel an order comes through: unknown or inactive channels take no orders."""
    if found is None or not found.active:
        raise ValidationFailed.on("channel", f"unknown or inactive channel {code!r}")
    return found


def check_order(order: OrderInput, catalog: store.Catalog,
                errors: ErrorCollector) -> OrderCatalog:
    """Every rule an incoming order must pass, gathered into `errors`; the caller raises."""
    validate_order(order, errors)
    if order.payment_terms is not None and order.payment_terms not in PAYMENT_TERMS:
        errors.add("payment_terms", f"must be one of {', '.join(PAYMENT_TERMS)}")
    return _load_catalog(order, catalog, errors)


@dataclass(frozen=True)
class _Stock:
    """Free stock per (product, location) and the locations in order of preference."""

    rows: dict[tuple[int, int], store.StockRow]
    locations: list[int]
    codes: dict[int, str]


def _stock(found: list[store.StockRow]) -> _Stock:
    rows = {(row.product_id, row.location_id): row for row in found}
    ranked = sorted({(row.location_priority, row.location_code, row.location_id)
                     for row in found})
    return _Stock(rows, [location_id for _, _, location_id in ranked],
                  {location_id: code for _, code, location_id in ranked})


def _place(uow: UnitOfWork, order: OrderInput) -> PlacedOrder:
    with uow:
        found = read_for(uow.connection, order)
        channel = active_channel(found.channel, order.channel)
        if channel.existing_order_id is not None:
            raise _AlreadyPlaced(channel.existing_order_id)
        errors = ErrorCollector()
        known = check_order(order, found.catalog, errors)
        errors.raise_if_any()
        demands = [Demand(i, line.quantity, known.parts[line.sku])
                   for i, line in enumerate(order.lines)]
        stock = _stock(found.stock)
        routed = route_order(order, {sku: p.weight_grams for sku, p in known.products.items()},
                             demands, found, utcnow())
        plan = from_route(routed.plan, {place.code: place.id for place in found.places})
        if plan.short and channel.shortage_policy == ShortagePolicy.REJECT:
            raise InsufficientStock(_shortages(order, known, plan, stock, routed))
        return _write(uow, order, channel, known, demands, plan, stock, routed)


def _shortages(order: OrderInput, known: OrderCatalog, plan: AllocationPlan,
               stock: _Stock, routed: Routed) -> list[Shortage]:
    """What is short, counting only stock at locations routing could use for this order."""
    usable = {c.location for c in routed.plan.considered if c.excluded_by is None}
    per_location: dict[int, dict[int, int]] = defaultdict(dict)
    for (product_id, location_id), row in stock.rows.items():
        if stock.codes[location_id] in usable:
            per_location[location_id][product_id] = row.level.available
    by_sku: dict[str, Shortage] = {}
    for index in plan.short:
        sku = order.lines[index].sku
        requested = sum(line.quantity for line in order.lines if line.sku == sku)
        free = sum(min(free.get(p, 0) // n for p, n in known.parts[sku].items())
                   for free in per_location.values())
        by_sku[sku] = Shortage(sku, requested, free)
    return list(by_sku.values())


def _write(uow: UnitOfWork, order: OrderInput, channel: store.Channel, known: OrderCatalog,
           demands: list[Demand], plan: AllocationPlan, stock: _Stock,
           routed: Routed) -> PlacedOrder:
    connection, now = uow.connection, utcnow()
    claim_capacity(connection, routed, now)
    totals = order_totals(order.lines, order.shipping_price)
    status = OrderStatus.PENDING if plan.short else OrderStatus.CONFIRMED
    values = order_values(order, channel, status, totals, now)
    lines = line_rows(order, known)
    allocations = [{"line_number": index + 1, "location_id": location_id, "quantity": units}
                   for index, location_id, units in plan.allocations]
    shippers = list(dict.fromkeys(location_id for _, location_id, _ in plan.allocations))
    by_id = {place.id: place for place in routed.places}
    fulfillment_orders = [fulfillment_order_values(order, by_id[location_id],
                                                   values["placed_at"], now)
                          for location_id in shippers]
    decision = decision_row(routed, "placed", {i: i + 1 for i in range(len(order.lines))}, now)
    needed = sorted((stock.rows[key].id, key, units)
                    for key, units in plan.reservations(demands).items())
    announced = connection.dialect.name == "postgresql"
    with placed_once(), raw.pipeline(connection):
        inserted = repository.insert_new_order(
            connection, customer_of(order, now), values, lines, fulfillment_orders,
            allocations, [decision], uow.actor.label, _timeline(channel, order, totals, plan))
        reserved = None if announced else inventory.send_reserve(
            connection, [(level_id, units) for level_id, _, units in needed])
    new = inserted.value()
    if reserved is not None:
        _publish_reservations(uow, needed, reserved.value(), stock, known)
    number = order_number(new.id)
    uow.publish(Event("order.created", {
        "order_id": new.id, "number": number, "channel": channel.code,
        "external_id": order.external_id, "status": str(status), "total": totals.total,
        "currency": order.currency}))
    uow.record(AuditEntry("order.created", "order", str(new.id), after={
        "number": number, "channel": channel.code, "external_id": order.external_id,
        "total": totals.total}))
    for row in fulfillment_orders:
        location_id = row["location_id"]
        uow.publish(fulfillment_order_created(
            new.fulfillment_order_ids[location_id], new.id, stock.codes[location_id], row,
            [(lines[index]["sku"], units) for index, shipper, units in plan.allocations
             if shipper == location_id]))
    if announced:
        # The stock rows are reserved, with their events, in the COMMIT's round trip: locked
        # only while the server works, never while an answer travels.
        with inventory.reserved_or_retry(), raw.pipeline(connection):
            inventory.send_announced_reservations(connection, [
                inventory.Reservation(level_id, units, known.skus[product_id],
                                      stock.codes[location_id])
                for level_id, (product_id, location_id), units in needed])
            uow.commit()
    else:
        uow.commit()
    reservations: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for index, location_id, units in plan.allocations:
        reservations[lines[index]["id"]].append({
            "location": stock.codes[location_id], "quantity": units,
            "fulfillment_order_id": new.fulfillment_order_ids[location_id]})
    view = order_view(order, channel, {**values, "id": new.id, "customer_id": new.customer_id},
                      lines, reservations)
    return PlacedOrder(view, created=True)


def _timeline(channel: store.Channel, order: OrderInput, totals: Totals,
              plan: AllocationPlan) -> list[tuple[str, dict[str, Any]]]:
    """A new order's first timeline entries: created, then confirmed or backordered."""
    backordered = {order.lines[i].sku: units for i, units in plan.short.items()}
    return [created_entry(channel, order, totals),
            ("order.backordered", {"lines": backordered}) if backordered
            else ("order.confirmed", {})]


def _publish_reservations(uow: UnitOfWork, needed: list[tuple[int, tuple[int, int], int]],
                          after: list[Level | None], stock: _Stock,
                          known: OrderCatalog) -> None:
    if None in after:
        # Someone reserved these units since we read them: start over with fresh stock.
        raise RetryTransaction()
    for (_, (product_id, location_id), units), level in zip(needed, after, strict=True):
        assert level is not None
        before = Level(level.on_hand, level.reserved - units, level.safety_stock,
                       level.reorder_point)
        place = StockPlace(product_id, known.skus[product_id], location_id,
                           stock.codes[location_id])
        publish_stock_change(uow, place, before, level)


def fulfillment_order_values(order: OrderInput, place: Place, placed_at: datetime,
                             now: datetime) -> dict[str, Any]:
    """A new order's fulfillment order at one location (its order id comes with the chain),
    due by the promised date or else by the location's next cut-off."""
    return {"location_id": place.id, "status": str(FulfillmentStatus.OPEN),
            "status_before_hold": None,
            "priority": order.priority,
            "ship_by": order.ship_by or ship_by(placed_at, place.cutoff_time, place.timezone),
            "created_at": now, "updated_at": now}


def fulfillment_order_created(fulfillment_order_id: int, order_id: int, location: str,
                              values: dict[str, Any],
                              lines: list[tuple[str, int]]) -> Event:
    """The event that puts a new fulfillment order in front of its location's team."""
    return Event("fulfillment_order.created", {
        "fulfillment_order_id": fulfillment_order_id, "order_id": order_id,
        "number": order_number(order_id), "location": location,
        "priority": values["priority"], "ship_by": rfc3339(values["ship_by"]),
        "lines": [{"sku": sku, "quantity": units} for sku, units in lines]})


def customer_of(order: OrderInput, seen_at: datetime) -> customers.CustomerRows:
    """The customer the order names, with its addresses, first or last seen at `seen_at`."""
    addresses = [order.shipping_address] + ([order.billing_address]
                                            if order.billing_address else [])
    return customers.customer_rows(email=order.email, name=order.customer_name,
                                   phone=order.customer_phone, addresses=addresses,
                                   now=seen_at)


def order_values(order: OrderInput, channel: store.Channel, status: str, totals: Totals,
                 now: datetime) -> dict[str, Any]:
    """The order row (its customer comes with it: see insert_new_order), with its totals
    snapshotted as they are now."""
    return {
        "channel_id": channel.id, "external_id": order.external_id,
        "currency": order.currency, "status": str(status),
        "status_before_hold": None, "payment_status": str(order.payment_status),
        "payment_terms": order.payment_terms or channel.payment_terms,
        "shipping_address": order.shipping_address.as_dict(),
        "billing_address": order.billing_address.as_dict() if order.billing_address else None,
        "subtotal": totals.subtotal, "discount_total": totals.discount,
        "tax_total": totals.tax, "shipping_total": totals.shipping, "total": totals.total,
        "priority": order.priority, "ship_by": order.ship_by, "notes": order.notes,
        "tags": order.tags, "placed_at": order.placed_at or now,
        "created_at": now, "updated_at": now,
    }


@contextmanager
def placed_once() -> Iterator[None]:
    """Turn a lost race on the channel's external id into a retry that finds the winner."""
    try:
        yield
    except IntegrityError as error:
        if "external_id" not in str(error.orig):
            raise
        # Another delivery of the same channel order committed first; the retry finds it.
        raise RetryTransaction() from error


def line_rows(order: OrderInput, known: OrderCatalog, *,
              shipped: bool = False) -> list[dict[str, Any]]:
    """The order's lines as they will be stored; `shipped` for orders fulfilled elsewhere."""
    return [{"line_number": i + 1, "product_id": known.products[line.sku].id, "sku": line.sku,
             "name": known.products[line.sku].name,
             "parts": sorted(known.parts[line.sku].items()), "quantity": line.quantity,
             "cancelled_quantity": 0, "shipped_quantity": line.quantity if shipped else 0,
             "unit_price": line.unit_price,
             "discount": line.discount, "tax": line.tax, "total": line_total(line)}
            for i, line in enumerate(order.lines)]


def created_entry(channel: store.Channel, order: OrderInput,
                  totals: Totals) -> tuple[str, dict[str, Any]]:
    """The first entry of every order's timeline."""
    return ("order.created", {"channel": channel.code, "external_id": order.external_id,
                              "total": totals.total, "currency": order.currency})


def order_view(order: OrderInput, channel: store.Channel, values: dict[str, Any],
               lines: list[dict[str, Any]],
               reservations: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    """The order as just written, assembled without reading it back."""
    customer = {"id": values["customer_id"], "email": order.email.strip(),
                "name": order.customer_name, "phone": order.customer_phone}
    return assemble_order(values, lines, reservations, [], customer, channel.code)
