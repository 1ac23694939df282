"""The pack station: a fulfillment order packed once every unit is scanned, into the box the
packer names or the smallest the location stocks that takes it (or several), weighed on the
scale; its packages; and its packing slip. One transaction per use case."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.catalog.tables import products
from ordermill.db.uow import UnitOfWork
from ordermill.fulfillment.boxes import box_types, package_views
from ordermill.fulfillment.documents import PackingSlip, SlipLine
from ordermill.fulfillment.packing import BoxChoice, BoxType, Item, suggest_box
from ordermill.fulfillment.scanning import PackLine, check_scans
from ordermill.fulfillment.tables import package_items, packages
from ordermill.fulfillment.work_queue import get_fulfillment_order
from ordermill.locations.tables import locations
from ordermill.orders import repository as orders
from ordermill.orders.domain import FULFILLMENT_TRANSITIONS, ORDER_TRANSITIONS, order_number
from ordermill.orders.fulfillment import locked_for_change
from ordermill.orders.tables import fulfillment_order_lines, order_lines
from ordermill.orders.tables import orders as order_rows
from ordermill.shared.clock import utcnow
from ordermill.shared.errors import Conflict, ErrorCollector, NotFound, ValidationFailed
from ordermill.shared.events import AuditEntry, Event

MERCHANT_NAME = "ORDERMILL_MERCHANT_NAME"
RETURN_INSTRUCTIONS = "ORDERMILL_RETURN_INSTRUCTIONS"
DEFAULT_RETURN_INSTRUCTIONS = (
    "Not what you wanted? Tell us within 30 days of delivery, quoting the order number above, "
    "and send the items back unused in their original packaging.")
MAX_WEIGHT_GRAMS = 1_000_000
MAX_SCANS = 50_000  # units per packing; the request body's size limit comes first anyway
_fol = fulfillment_order_lines.c


@dataclass(frozen=True)
class _Line:
    """A fulfillment order line that holds units, as the pack station sees it."""

    id: int
    sku: str
    gtin: str | None
    quantity: int
    item: Item  # its units for the box choice


@dataclass(frozen=True)
class _Package:
    box: BoxType | None
    units: dict[int, int]  # index into the lines -> units of it in this package
    weight_g: int  # by the catalogue's weights: how the scale's weight is shared out


def pack_fulfillment_order(uow: UnitOfWork, *, fulfillment_order_id: int, scans: Sequence[str],
                           weight_grams: int, box: str | None = None,
                           location_scope: frozenset[int] | None = None) -> dict[str, Any]:
    """Every unit scanned, none extra: the units go into packages (the given box, else the
    suggested ones, else none) sharing the weighed total, and the fulfillment order is packed."""
    with uow:
        order, row = locked_for_change(uow.connection, fulfillment_order_id, location_scope)
        status = FULFILLMENT_TRANSITIONS.apply("pack", row.status)
        lines = _lines(uow.connection, row.id)
        if not lines:
            raise Conflict(f"fulfillment order {row.id} holds no units to pack")
        location = _location_code(uow.connection, row.location_id)
        catalogue = box_types(uow.connection, row.location_id)
        given = _check_input(lines, scans, weight_grams, box, catalogue, location)
        plan, suggestion = _plan(given, catalogue, [line.item for line in lines],
                                 weight_grams, location)
        if weight_grams < len(plan):
            raise ValidationFailed.on("weight_grams", f"{len(plan)} packages weigh at least "
                                                      f"{len(plan)} g")
        # Shared by the catalogue's weights; by units where the catalogue knows none.
        weights = split_weight(weight_grams, [p.weight_g for p in plan]
                               if any(p.weight_g for p in plan)
                               else [sum(p.units.values()) for p in plan])
        now = utcnow()
        for package, grams in zip(plan, weights, strict=True):
            _insert_package(uow, row.id, package, grams, lines, now)
        uow.connection.execute(fulfillment_order_lines.update()
                               .where(_fol.fulfillment_order_id == row.id, _fol.quantity > 0)
                               .values(packed_quantity=_fol.quantity,
                                       picked_quantity=_fol.quantity))
        orders.update_fulfillment_orders(uow.connection, [row.id],
                                         {"status": status, "updated_at": now})
        if ORDER_TRANSITIONS.allows("start fulfillment", order.status):
            # Packed without a pick list (a small order, picked by hand): as picking does.
            orders.update_order(uow.connection, order.id, {
                "status": ORDER_TRANSITIONS.apply("start fulfillment", order.status),
                "updated_at": now})
        views = package_views(uow.connection, row.id)
        packed = {"fulfillment_order_id": row.id, "order_id": order.id, "location": location,
                  "packages": views}
        uow.publish(Event("fulfillment_order.packed", packed))
        orders.append_events(uow.connection, order.id, uow.actor.label, now,
                             [("fulfillment_order.packed", packed)])
        uow.record(AuditEntry("fulfillment_order.packed", "fulfillment_order", str(row.id),
                              before={"status": row.status},
                              after={**packed, "status": status,
                                     "box_suggestion": suggestion}))
        view = get_fulfillment_order(uow.connection, row.id)
        uow.commit()
        assert view is not None
        return {**view, "packages": views, "box_suggestion": suggestion}


def _lines(connection: Connection, fulfillment_order_id: int) -> list[_Line]:
    """The lines that hold units, with their product's barcode, dimensions and weight; a kit
    is packed whole, as its own sku, and weighs what its parts weigh where it says nothing."""
    rows = list(connection.execute(
        sa.select(_fol.id, _fol.quantity, order_lines.c.sku, order_lines.c.parts,
                  products.c.gtin, products.c.weight_grams, products.c.length_mm,
                  products.c.width_mm, products.c.height_mm)
        .join(order_lines, order_lines.c.id == _fol.order_line_id)
        .join(products, products.c.id == order_lines.c.product_id)
        .where(_fol.fulfillment_order_id == fulfillment_order_id, _fol.quantity > 0)
        .order_by(_fol.id)))
    part_ids = {int(part) for row in rows for part, _ in row.parts}
    part_weights = {row.id: row.weight_grams for row in connection.execute(
        sa.select(products.c.id, products.c.weight_grams).where(products.c.id.in_(part_ids)))}
    return [_Line(row.id, row.sku, row.gtin, row.quantity, Item(
        # The catalogue stores 0 for a dimension nobody measured.
        row.length_mm or None, row.width_mm or None, row.height_mm or None,
        row.weight_grams or sum(part_weights.get(int(part), 0) * int(per_unit)
                                for part, per_unit in row.parts),
        quantity=row.quantity, sku=row.sku)) for row in rows]


def _location_code(connection: Connection, location_id: int) -> str:
    return str(connection.execute(sa.select(locations.c.code)
                                  .where(locations.c.id == location_id)).scalar_one())


def _check_input(lines: Sequence[_Line], scans: Sequence[str], weight_grams: int,
                 box: str | None, catalogue: Sequence[BoxType], location: str) -> BoxType | None:
    """Every failing field at once: each refused scan by its index, each sku still short, an
    impossible weight, a box the location does not stock. Returns the given box."""
    errors = ErrorCollector()
    if len(scans) > MAX_SCANS:
        errors.add("scans", f"at most {MAX_SCANS} scans")
    else:
        result = check_scans([PackLine(line.sku, line.quantity, line.gtin) for line in lines],
                             scans)
        for refused in result.refused:
            errors.add(f"scans.{refused.index}", refused.reason)
        for sku, units in result.missing.items():
            errors.add("scans", f"{sku}: {units} more to scan")
    if not 1 <= weight_grams <= MAX_WEIGHT_GRAMS:
        errors.add("weight_grams", f"must be between 1 and {MAX_WEIGHT_GRAMS}")
    given = None
    if box is not None:
        given = next((known for known in catalogue if known.code == box), None)
        if given is None:
            errors.add("box", f"location {location} has no box {box!r}")
    errors.raise_if_any("; ".join(f"{e.field}: {e.message}" for e in errors.errors[:5]))
    return given


def _plan(given: BoxType | None, catalogue: Sequence[BoxType], items: Sequence[Item],
          weight_grams: int, location: str) -> tuple[list[_Package], dict[str, Any]]:
    """The packages and how their boxes were chosen: the packer's box, which must take every
    unit by the box choice's rules and the scale's weight; else the suggestion; else one
    package without a box, for the packer to note, rather than a refusal."""
    everything = {index: item.quantity for index, item in enumerate(items)}
    unboxed = [_Package(None, everything, sum(i.weight_g * i.quantity for i in items))]
    if given is not None:
        choice = suggest_box([given], items)
        if choice is None or len(choice.boxes) > 1:
            raise ValidationFailed.on("box", f"box {given.code} cannot take the units: "
                                             f"{_why_not(given, items, choice)}")
        if weight_grams > given.max_weight_g:
            raise ValidationFailed.on("box", f"box {given.code} cannot take the units: they "
                                             f"weigh {weight_grams} g, the box takes at most "
                                             f"{given.max_weight_g} g")
        [packed] = choice.boxes
        return ([_Package(given, packed.units, packed.weight_g)],
                _suggestion("given", choice, items, None))
    if not catalogue:
        return unboxed, _suggestion("none", None, items,
                                    f"location {location} has no boxes; packed without one")
    choice = suggest_box(catalogue, items)
    if choice is None:
        # suggest_box gives up only when some unit goes in no box at all.
        unfit = next((item.sku for item in items
                      if all(_unfit(box, item) for box in catalogue)), "the units")
        return unboxed, _suggestion("none", None, items,
                                    f"no box at {location} takes {unfit}; packed without one")
    return ([_Package(packed.box, packed.units, packed.weight_g) for packed in choice.boxes],
            _suggestion("suggested", choice, items, None))


def _suggestion(source: str, choice: BoxChoice | None, items: Sequence[Item],
                reason: str | None) -> dict[str, Any]:
    return {"source": source,
            "boxes": [] if choice is None else [packed.box.code for packed in choice.boxes],
            "rejected": [] if choice is None else [
                {"box": r.box, "why": str(r.why), "detail": r.detail} for r in choice.rejected],
            "weight_only": [] if choice is None else [items[i].sku for i in choice.weight_only],
            "reason": reason}


def _why_not(box: BoxType, items: Sequence[Item], choice: BoxChoice | None) -> str:
    if choice is not None and choice.rejected:
        return f"{choice.rejected[0].why}: {choice.rejected[0].detail}"
    unfit = [why for item in items if (why := _unfit(box, item))]
    return "; ".join(unfit) or "no arrangement of the units was found"


def _unfit(box: BoxType, item: Item) -> str | None:
    """Why one unit of the item goes in the box on no account, or None."""
    if item.weight_g > box.max_weight_g:
        return f"{item.sku} weighs {item.weight_g} g, more than {box.max_weight_g} g"
    # Turned every way, a unit fits exactly when its sorted sides each fit the box's.
    if item.size is not None and any(side > room for side, room in
                                     zip(sorted(item.size), sorted(box.size), strict=True)):
        return f"{item.sku} fits no way round"
    return None


def suggested_boxes(connection: Connection, fulfillment_order_id: int,
                    location_scope: frozenset[int] | None = None) -> dict[str, Any]:
    """The box the station suggests before the parcel is weighed, as `box_suggestion` in what
    packing returns: the same choice packing then makes without a box from the packer."""
    row = _visible(connection, fulfillment_order_id, location_scope)
    lines = _lines(connection, row.id)
    _, suggestion = _plan(None, box_types(connection, row.location_id),
                          [line.item for line in lines], 0,
                          _location_code(connection, row.location_id))
    return suggestion


def split_weight(total: int, weights: Sequence[int]) -> list[int]:
    """`total` grams over packages in proportion to `weights`, in whole grams that add up to
    exactly `total`, each at least 1 (the table's rule). Needs total >= len(weights) and some
    weight above 0."""
    whole = sum(weights)
    shares = [total * weight // whole for weight in weights]
    # Largest remainder: the grams lost to rounding down go to the packages that lost most,
    # the earlier package among equals.
    by_loss = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for index in by_loss[:total - sum(shares)]:
        shares[index] += 1
    for index, share in enumerate(shares):
        if share == 0:  # a package of weightless goods still weighs something
            heaviest = max(range(len(shares)), key=lambda i: shares[i])
            shares[heaviest] -= 1
            shares[index] = 1
    return shares


def _insert_package(uow: UnitOfWork, fulfillment_order_id: int, package: _Package,
                    grams: int, lines: Sequence[_Line], now: datetime) -> None:
    box = package.box
    boxed = {} if box is None else {"box_code": box.code, "length_mm": box.length_mm,
                                    "width_mm": box.width_mm, "height_mm": box.height_mm}
    package_id = uow.connection.execute(packages.insert().values(
        fulfillment_order_id=fulfillment_order_id, weight_grams=grams,
        created_by=uow.actor.label, created_at=now, **boxed).returning(packages.c.id)
    ).scalar_one()
    uow.connection.execute(package_items.insert(), [
        {"package_id": package_id, "fulfillment_order_line_id": lines[index].id,
         "quantity": units} for index, units in sorted(package.units.items()) if units])


def fulfillment_order_packages(connection: Connection, fulfillment_order_id: int,
                               location_scope: frozenset[int] | None = None
                               ) -> list[dict[str, Any]]:
    """The packages a fulfillment order was packed into; none before it is packed."""
    _visible(connection, fulfillment_order_id, location_scope)
    return package_views(connection, fulfillment_order_id)


def _visible(connection: Connection, fulfillment_order_id: int,
             location_scope: frozenset[int] | None) -> Any:
    row = orders.fulfillment_order(connection, fulfillment_order_id)
    if row is None or (location_scope is not None and row.location_id not in location_scope):
        raise NotFound(f"fulfillment order {fulfillment_order_id} not found")
    return row


def packing_slip(connection: Connection, fulfillment_order_id: int, *,
                 merchant_name: str | None = None, return_instructions: str | None = None,
                 location_scope: frozenset[int] | None = None) -> PackingSlip:
    """What the slip in the parcel says: the shipping location as the merchant's address, the
    order, where it goes, and the units this fulfillment order ships. The merchant's name and
    returns terms come from ORDERMILL_MERCHANT_NAME and ORDERMILL_RETURN_INSTRUCTIONS unless
    given."""
    row = _visible(connection, fulfillment_order_id, location_scope)
    order = connection.execute(sa.select(order_rows.c.placed_at, order_rows.c.shipping_address)
                               .where(order_rows.c.id == row.order_id)).one()
    address = connection.execute(sa.select(locations.c.address)
                                 .where(locations.c.id == row.location_id)).scalar_one()
    lines = connection.execute(
        sa.select(order_lines.c.sku, order_lines.c.name, _fol.quantity)
        .join(order_lines, order_lines.c.id == _fol.order_line_id)
        .where(_fol.fulfillment_order_id == row.id, _fol.quantity > 0).order_by(_fol.id))
    return PackingSlip(
        merchant_name=merchant_name or os.environ.get(MERCHANT_NAME) or "ordermill",
        merchant_address=address_lines(address),
        order_number=order_number(row.order_id), placed_at=order.placed_at,
        ship_to=address_lines(order.shipping_address),
        lines=[SlipLine(line.sku, line.name, line.quantity) for line in lines],
        return_instructions=return_instructions or os.environ.get(RETURN_INSTRUCTIONS)
        or DEFAULT_RETURN_INSTRUCTIONS)


def address_lines(address: Mapping[str, Any] | None) -> list[str]:
    """An address as printed on a label: name, company, street lines, "city, region postal
    code", country; empty parts left out."""
    def part(name: str) -> str:
        return str((address or {}).get(name) or "").strip()

    town = ", ".join(filter(None, (part("city"), part("region"))))
    return list(filter(None, (part("name"), part("company"), part("line1"), part("line2"),
                              " ".join(filter(None, (town, part("postal_code")))),
                              part("country"))))

