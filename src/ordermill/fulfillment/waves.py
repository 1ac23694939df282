"""Pick lists for one location's open fulfillment orders: carts filled most urgent first, one
tote per order, or a list per order. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class OpenOrder:
    """An open fulfillment order as a wave sees it. A lower priority is more urgent; `cutoff`
    is when its carrier collects; `lines` counts its order lines."""

    id: int
    priority: int
    ship_by: datetime | None
    cutoff: datetime | None
    created_at: datetime
    units: int
    lines: int


@dataclass(frozen=True)
class CartCapacity:
    """What one pick cart takes: orders (one tote each), units, or both; None is no limit."""

    max_orders: int | None = None
    max_units: int | None = None


@dataclass(frozen=True)
class Tote:
    label: str  # T1, T2, ... within its list
    order_id: int
    units: int
    lines: int
    late: bool  # its ship-by has passed


@dataclass(frozen=True)
class Wave:
    """One pick list; waves are numbered from 1 in the order to pick them."""

    number: int
    totes: list[Tote]
    oversize: bool = False  # one order with more units than a cart takes, alone on its list

    @property
    def units(self) -> int:
        return sum(tote.units for tote in self.totes)

    @property
    def lines(self) -> int:
        return sum(tote.lines for tote in self.totes)


@dataclass
class _Batch:
    orders: list[OpenOrder] = field(default_factory=list)
    oversize: bool = False

    def takes(self, order: OpenOrder, capacity: CartCapacity) -> bool:
        if self.oversize:
            return False
        if capacity.max_orders is not None and len(self.orders) >= capacity.max_orders:
            return False
        units = sum(taken.units for taken in self.orders) + order.units
        return capacity.max_units is None or units <= capacity.max_units


def plan_waves(orders: Iterable[OpenOrder], capacity: CartCapacity, *,
               now: datetime) -> list[Wave]:
    """Batch pick lists. Most urgent first (see urgency), each order goes on the first list
    with room for it, else opens the next; an order never splits across lists, so one with
    more units than a cart takes gets a list of its own, marked oversize."""
    _check_capacity(capacity)
    batches: list[_Batch] = []
    for order in _in_urgency_order(orders):
        if capacity.max_units is not None and order.units > capacity.max_units:
            batches.append(_Batch([order], oversize=True))
            continue
        # First fit: a later order may fill an earlier list, never delaying a more urgent
        # one, which was placed before it.
        batch = next((batch for batch in batches if batch.takes(order, capacity)), None)
        if batch is None:
            batch = _Batch()
            batches.append(batch)
        batch.orders.append(order)
    return [_wave(number, batch, now) for number, batch in enumerate(batches, start=1)]


def single_order_lists(orders: Iterable[OpenOrder], *, now: datetime) -> list[Wave]:
    """A pick list per order, most urgent first."""
    return [_wave(number, _Batch([order]), now)
            for number, order in enumerate(_in_urgency_order(orders), start=1)]


def urgency(order: OpenOrder) -> tuple[bool, datetime, int, bool, datetime, datetime, int]:
    """Earliest carrier cut-off first (none last), then priority, then ship-by (none last),
    then the oldest; the id settles the rest, so the same orders always make the same lists."""
    # datetime.min stands in for a missing time only beside True, which already sorts it
    # last, so it is never compared with a real, timezone-aware time.
    return (order.cutoff is None, order.cutoff or datetime.min, order.priority,
            order.ship_by is None, order.ship_by or datetime.min, order.created_at, order.id)


def _in_urgency_order(orders: Iterable[OpenOrder]) -> list[OpenOrder]:
    ordered = sorted(orders, key=urgency)
    seen: set[int] = set()
    for order in ordered:
        if order.id in seen:
            raise ValueError(f"fulfillment order {order.id} is listed twice")
        if order.units < 1 or order.lines < 1:
            raise ValueError(f"fulfillment order {order.id}: units and lines must be at least 1")
        seen.add(order.id)
    return ordered


def _check_capacity(capacity: CartCapacity) -> None:
    limits = (capacity.max_orders, capacity.max_units)
    if all(limit is None for limit in limits):
        raise ValueError("a cart takes a number of orders, of units, or both")
    if any(limit is not None and limit < 1 for limit in limits):
        raise ValueError("a cart's limits must be at least 1")


def _wave(number: int, batch: _Batch, now: datetime) -> Wave:
    totes = [Tote(f"T{position}", order.id, order.units, order.lines,
                  order.ship_by is not None and order.ship_by < now)
             for position, order in enumerate(batch.orders, start=1)]
    return Wave(number, totes, batch.oversize)

