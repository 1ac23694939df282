"""The warehouse floor's work: a location's queue of fulfillment orders, most urgent first, one
fulfillment order with its lines, its rejection, and its packing slip."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy.engine import Connection
from starlette.responses import Response

from ordermill.accounts.service import ConsoleSession
from ordermill.console.pages import Flash, attempt, page_link, render
from ordermill.console.session import (
    PageRefused,
    database,
    posting,
    scope_of,
    unit_of_work,
    viewing,
)
from ordermill.fulfillment import pack_station, service
from ordermill.fulfillment.documents import packing_slip_pdf
from ordermill.fulfillment.pick_lists import list_pick_lists
from ordermill.fulfillment.work_queue import (
    QueuePosition,
    get_fulfillment_order,
    list_fulfillment_orders,
)
from ordermill.locations import queries as locations
from ordermill.orders.domain import FULFILLMENT_TRANSITIONS, FulfillmentStatus
from ordermill.shared.errors import ValidationFailed

router = APIRouter(prefix="/console/fulfillment-orders", include_in_schema=False)
TextField = Annotated[str, Form()]
QUEUE = "/console/fulfillment-orders"
PAGE_SIZE = 50
MAX_ID = 2**62
# The same settings the API's packing slip reads, so both print the same slip.


def fulfillment_order_id(text: str) -> int | None:
    """A fulfillment order id from what was typed or scanned; None when it names none."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) < 19 and 1 <= int(text) <= MAX_ID:
        return int(text)
    return None


def visible_fulfillment_order(connection: Connection, session: ConsoleSession,
                              reference: str) -> dict[str, Any]:
    """The fulfillment order if this user may see it: a warehouse user sees only its
    locations' work."""
    found_id = fulfillment_order_id(reference)
    found = (get_fulfillment_order(connection, found_id, scope_of(session.principal))
             if found_id is not None else None)
    if found is None:
        raise PageRefused(404, "Fulfillment order not found",
                          f"There is no fulfillment order {reference!r} that you can see.")
    return found


def _cursor(position: QueuePosition | None) -> str | None:
    if position is None:
        return None
    return f"{position.priority}~{position.ship_by.isoformat()}~{position.id}"


def _position(text: str) -> QueuePosition | None:
    """Where the previous page ended; anything this page did not hand out starts over."""
    try:
        priority, moment, id_ = text.split("~")
        ship_by = datetime.fromisoformat(moment)
        position = QueuePosition(int(priority), ship_by, int(id_))
    except ValueError:
        return None
    if ship_by.tzinfo is None or not 0 < position.id <= MAX_ID \
            or not 0 < position.priority < 100:
        return None
    return position


def _statuses(status: str) -> list[str] | None:
    if not status.strip():
        return None  # what the location still owes
    if status not in set(FulfillmentStatus):
        raise ValidationFailed.on("status", "pick one of the listed statuses")
    return [status]


@router.get("")
def work_queue(request: Request, location: str = "", status: str = "", after: str = "",
               session: ConsoleSession = Depends(viewing("fulfillment:read"))) -> Response:
    scope = scope_of(session.principal)
    items: list[dict[str, Any]] = []
    position, notice, open_lists = None, None, []
    with database(request).reading() as connection:
        places = locations.list_locations(connection, only_ids=scope)
        codes = [place["code"] for place in places]
        if not location and len(codes) == 1:
            location = codes[0]
        try:
            if location and location not in codes:
                raise ValidationFailed.on("location", f"there is no location {location!r} "
                                                      "that you can see")
            items, position = list_fulfillment_orders(
                connection, location=location or None, statuses=_statuses(status),
                location_scope=scope, after=_position(after), limit=PAGE_SIZE)
        except ValidationFailed as error:
            notice = Flash.of_error(error)
        if location in codes:
            open_lists = list_pick_lists(connection, location=location, status="open",
                                         location_scope=scope)
    filters = {"location": location, "status": status}
    return render(request, "fulfillment/queue.html", session, notice=notice, items=items,
                  filters=filters, locations=places, statuses=list(FulfillmentStatus),
                  open_lists=open_lists, here=page_link(QUEUE, filters),
                  can_pick=session.principal.can("fulfillment:write") and location in codes,
                  next_page=page_link(QUEUE, {**filters, "after": _cursor(position)})
                  if position is not None else None,
                  paged=bool(after), first_page=page_link(QUEUE, filters))


@router.get("/{reference}/packing-slip.pdf")
def packing_slip(request: Request, reference: str,
                 session: ConsoleSession = Depends(viewing("fulfillment:read"))) -> Response:
    with database(request).reading() as connection:
        found = visible_fulfillment_order(connection, session, reference)
        slip = pack_station.packing_slip(
            connection, found["id"], location_scope=scope_of(session.principal))
    # Laid out after the connection is back in the pool: rendering takes longer than reading.
    return Response(packing_slip_pdf(slip), media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="packing-slip-{slip.order_number}.pdf"'})


@router.get("/{reference}")
def fulfillment_order_page(request: Request, reference: str,
                           session: ConsoleSession = Depends(viewing("fulfillment:read"))
                           ) -> Response:
    scope = scope_of(session.principal)
    with database(request).reading() as connection:
        found = visible_fulfillment_order(connection, session, reference)
        packages = pack_station.fulfillment_order_packages(connection, found["id"], scope)
        lists = list_pick_lists(connection, fulfillment_order_id=found["id"],
                                location_scope=scope)
    status = found["status"]
    actions = {action: FULFILLMENT_TRANSITIONS.allows(action, status)
               for action in ("start picking", "pack", "reject")}
    return render(request, "fulfillment/detail.html", session, fo=found, packages=packages,
                  pick_lists=lists, actions=actions,
                  can_change=session.principal.can("fulfillment:write"),
                  can_see_order=session.principal.can("orders:read"))


@router.post("/{reference}/reject")
def reject(request: Request, reference: str, reason: TextField = "",
           session: ConsoleSession = Depends(posting("fulfillment:write"))) -> Response:
    with database(request).reading() as connection:
        found = visible_fulfillment_order(connection, session, reference)

    def work() -> str:
        rejected = service.reject_fulfillment_order(
            unit_of_work(request, session), found["id"], reason, scope_of(session.principal))
        return (f"Fulfillment order {rejected['id']} ({rejected['order_number']}) is rejected; "
                f"its units went back to stock at {rejected['location']} and the order "
                "is routed again.")

    return attempt(f"{QUEUE}/{found['id']}", work)
