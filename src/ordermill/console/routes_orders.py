"""Order pages: the filtered order list, one order with its timeline, holds and cancellations."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy.engine import Connection
from starlette.responses import Response

from ordermill.accounts.domain import Principal
from ordermill.accounts.service import ConsoleSession
from ordermill.channels import repository as channels
from ordermill.console import forms
from ordermill.console.pages import Flash, attempt, label, page_link, render
from ordermill.console.session import (
    PageRefused,
    database,
    posting,
    scope_of,
    unit_of_work,
    viewing,
)
from ordermill.orders import queries, service
from ordermill.orders.domain import (
    ORDER_TRANSITIONS,
    HoldReason,
    OrderStatus,
    order_number,
    parse_order_number,
)
from ordermill.routing.domain import Criterion
from ordermill.routing.queries import order_routing
from ordermill.shared.errors import ValidationFailed

router = APIRouter(prefix="/console/orders", include_in_schema=False)
TextField = Annotated[str, Form()]
PAGE_SIZE = 50
MAX_ORDER_ID = 2**62
# Why a routing decision was made, as its heading on the order page.
TRIGGERS = {
    "placed": "When the order was placed",
    "rejected": "After a location rejected it",
    "short_pick": "After units were found short when picking",
    "optimization": "When the open backlog was re-optimised",
}


def _number(text: str) -> int | None:
    """An order id from "123" or "OM-000123"; None when it cannot name a stored order."""
    text = text.strip()
    order_id = (int(text) if text.isascii() and text.isdigit() and len(text) < 19
                else parse_order_number(text))
    return order_id if order_id is not None and 1 <= order_id <= MAX_ORDER_ID else None


def _criteria(filters: dict[str, str]) -> dict[str, Any]:
    """The list query's arguments from the filter form; raises on a filter it cannot read."""
    number = None
    if filters["number"].strip():
        number = _number(filters["number"])
        if number is None:
            raise ValidationFailed.on("number", "an order number looks like OM-000123")
    return {"status": forms.optional_text(filters["status"]),
            "channel": forms.optional_text(filters["channel"]),
            "email": forms.optional_text(filters["email"]),
            "sku": forms.optional_text(filters["sku"]), "number": number,
            "placed_from": forms.day_start(filters["placed_from"], "placed_from"),
            "placed_to": forms.day_start(filters["placed_to"], "placed_to", following=True)}


@router.get("")
def order_list(request: Request, status: str = "", channel: str = "", email: str = "",
               sku: str = "", number: str = "", placed_from: str = "", placed_to: str = "",
               before: str = "",
               session: ConsoleSession = Depends(viewing("orders:read"))) -> Response:
    filters = {"status": status, "channel": channel, "email": email, "sku": sku,
               "number": number, "placed_from": placed_from, "placed_to": placed_to}
    principal = session.principal
    items: list[dict[str, Any]] = []
    position, notice = None, None
    with database(request).reading() as connection:
        try:
            items, position = queries.list_orders(
                connection, **_criteria(filters), location_scope=scope_of(principal),
                before_id=forms.cursor(before), limit=PAGE_SIZE)
        except ValidationFailed as error:
            notice = Flash.of_error(error)
        channel_codes = ([row.code for row in channels.all_channels(connection)]
                         if principal.can("channels:read") else [])
    next_page = (page_link("/console/orders", {**filters, "before": position})
                 if position is not None else None)
    return render(request, "orders/list.html", session, notice=notice, orders=items,
                  filters=filters, statuses=list(OrderStatus), channels=channel_codes,
                  next_page=next_page, paged=bool(before),
                  first_page=page_link("/console/orders", filters))


def _visible_order(connection: Connection, principal: Principal,
                   reference: str) -> dict[str, Any]:
    """The order if this user may see it: a warehouse user only sees its locations' orders."""
    order_id = _number(reference)
    found = order_id is not None and queries.list_orders(
        connection, number=order_id, channel_id=principal.channel_id,
        location_scope=scope_of(principal), limit=1)[0]
    order = queries.get_order(connection, order_id) if found and order_id else None
    if order is None:
        raise PageRefused(404, "Order not found",
                          f"There is no order {reference!r} that you can see.")
    return order


@router.get("/{reference}")
def order_page(request: Request, reference: str,
               session: ConsoleSession = Depends(viewing("orders:read"))) -> Response:
    with database(request).reading() as connection:
        order = _visible_order(connection, session.principal, reference)
        timeline = queries.order_timeline(connection, order["id"])
        decisions = order_routing(connection, order["id"])["decisions"]
    skus = {line["line_number"]: line["sku"] for line in order["lines"]}
    status = order["status"]
    actions = {action: ORDER_TRANSITIONS.allows(action, status)
               for action in ("hold", "release hold", "cancel", "cancel lines")}
    return render(request, "orders/detail.html", session, order=order,
                  timeline=list(reversed(timeline)), actions=actions,
                  decisions=[_decision_view(d, skus) for d in reversed(decisions)],
                  triggers=TRIGGERS,
                  can_change=session.principal.can("orders:write"),
                  hold_reasons=list(HoldReason))


def _decision_view(decision: dict[str, Any], skus: dict[int, str]) -> dict[str, Any]:
    """A routing decision as the order page shows it: a column per criterion scored (in the
    engine's order: a stored object's keys may come back in any order), and the units each
    location ships or no one could."""
    scored = {name for candidate in decision["candidates"] for name in candidate["scores"]}
    ships: dict[str, list[str]] = {}
    for allocation in decision["allocations"]:
        ships.setdefault(allocation["location"], []).append(
            _units(skus, allocation["line_number"], allocation["quantity"]))
    return {**decision, "criteria": [str(c) for c in Criterion if c in scored], "ships": ships,
            "short_lines": [_units(skus, int(line), units)
                            for line, units in sorted(decision["short"].items(),
                                                      key=lambda item: int(item[0]))]}


def _units(skus: dict[int, str], line_number: int, quantity: int) -> str:
    return f"{skus.get(line_number, f'line {line_number}')} \N{MULTIPLICATION SIGN} {quantity}"


def _checked(request: Request, session: ConsoleSession, reference: str) -> dict[str, Any]:
    with database(request).reading() as connection:
        return _visible_order(connection, session.principal, reference)


@router.post("/{reference}/holds")
def place_hold(request: Request, reference: str, reason: TextField = "", note: TextField = "",
               session: ConsoleSession = Depends(posting("orders:write"))) -> Response:
    order = _checked(request, session, reference)

    def work() -> str:
        held = service.place_hold(unit_of_work(request, session), order_id=order["id"],
                                  reason=reason, note=forms.optional_text(note))
        return f"{held['number']} is on hold ({label(reason)})."

    return attempt(f"/console/orders/{order['id']}", work)


@router.post("/{reference}/holds/{hold_id}/release")
def release_hold(request: Request, reference: str, hold_id: str,
                 session: ConsoleSession = Depends(posting("orders:write"))) -> Response:
    order = _checked(request, session, reference)

    def work() -> str:
        released = service.release_hold(unit_of_work(request, session), order_id=order["id"],
                                        hold_id=forms.whole_number(hold_id, "hold_id"))
        return f"Hold released; {released['number']} is {label(released['status']).lower()}."

    return attempt(f"/console/orders/{order['id']}", work)


@router.post("/{reference}/cancel")
def cancel_order(request: Request, reference: str, reason: TextField = "",
                 session: ConsoleSession = Depends(posting("orders:write"))) -> Response:
    order = _checked(request, session, reference)

    def work() -> str:
        service.cancel_order(unit_of_work(request, session), order_id=order["id"],
                             reason=forms.optional_text(reason))
        return f"{order_number(order['id'])} is cancelled and its reserved stock released."

    return attempt(f"/console/orders/{order['id']}", work)


@router.post("/{reference}/lines/cancel")
def cancel_units(request: Request, reference: str, line_id: TextField = "",
                 quantity: TextField = "", reason: TextField = "",
                 session: ConsoleSession = Depends(posting("orders:write"))) -> Response:
    order = _checked(request, session, reference)

    def work() -> str:
        line = service.LineCancellation(forms.whole_number(line_id, "line_id"),
                                        forms.whole_number(quantity, "quantity"))
        after = service.cancel_order(unit_of_work(request, session), order_id=order["id"],
                                     lines=[line], reason=forms.optional_text(reason))
        sku = next(item["sku"] for item in after["lines"] if item["id"] == line.line_id)
        return f"Cancelled {line.quantity} {sku} on {after['number']}."

    return attempt(f"/console/orders/{order['id']}", work)
