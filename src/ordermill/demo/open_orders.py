"""The demo's open orders: the last days' orders, placed through intake so they reserve
stock; some wait for stock on backorder, some are held and a few are cancelled."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ordermill.db.uow import UnitOfWork
from ordermill.demo.progress import Progress
from ordermill.orders import service
from ordermill.orders.domain import OrderInput, PaymentStatus
from ordermill.orders.intake import place_order
from ordermill.shared.errors import InsufficientStock

LARGE_ORDER = 25_000  # minor units; a large order gets a second look before it ships


@dataclass
class OpenOrders:
    placed: list[OrderInput] = field(default_factory=list)
    refused: int = 0  # reject channels would not have sold what was out of stock
    backordered: int = 0
    on_hold: int = 0
    cancelled: int = 0


def place_open_orders(unit_of_work: Callable[[], UnitOfWork], orders: list[OrderInput],
                      rng: random.Random, progress: Progress) -> OpenOrders:
    progress.stage("Open orders", len(orders))
    result = OpenOrders()
    views: list[dict[str, Any]] = []
    for order in orders:
        try:
            views.append(place_order(unit_of_work(), order).order)
            result.placed.append(order)
        except InsufficientStock:
            result.refused += 1
        progress.advance()
    for index, view in enumerate(views):
        views[index] = _follow_up(unit_of_work, view, rng, result)
    result.backordered = sum(1 for view in views if view["status"] != "cancelled"
                             and any(line["backordered_quantity"] for line in view["lines"]))
    return result


def _follow_up(unit_of_work: Callable[[], UnitOfWork], view: dict[str, Any],
               rng: random.Random, result: OpenOrders) -> dict[str, Any]:
    """What the order desk did since: holds for payment, address or fraud checks, and
    cancellations the customers asked for."""
    roll = rng.random()
    hold = _hold(view, roll)
    if hold is not None:
        result.on_hold += 1
        return service.place_hold(unit_of_work(), order_id=view["id"], reason=hold[0],
                                  note=hold[1])
    if roll >= 0.96:
        result.cancelled += 1
        return service.cancel_order(unit_of_work(), order_id=view["id"],
                                    reason="The customer changed their mind.")
    if roll >= 0.91 and len(view["lines"]) > 1:
        first = view["lines"][0]
        return service.cancel_order(unit_of_work(), order_id=view["id"],
                                    lines=[service.LineCancellation(first["id"])],
                                    reason="The customer no longer wants this item.")
    return view


def _hold(view: dict[str, Any], roll: float) -> tuple[str, str] | None:
    """(reason, note) of the hold the order needs, if any."""
    if view["payment_status"] == PaymentStatus.UNPAID:
        return "payment", "Waiting for the bank transfer."
    if roll < 0.04:
        return "address", "The apartment number is missing."
    if roll < 0.12 and view["totals"]["total"] >= LARGE_ORDER:
        return "fraud_review", "Large order; check the payment before shipping."
    return None
