"""Pick lists in the console: made for chosen fulfillment orders or the next wave, shown whole
or printed, and walked stop by stop on a phone or tablet, the picker counting each stop."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from ordermill.accounts.service import ConsoleSession
from ordermill.console import forms
from ordermill.console.pages import Flash, attempt, local_path, redirect, render
from ordermill.console.session import (
    PageRefused,
    database,
    posting,
    scope_of,
    unit_of_work,
    viewing,
)
from ordermill.fulfillment import picking
from ordermill.fulfillment.pick_lists import get_pick_list, printed
from ordermill.shared.errors import OrdermillError, ValidationFailed

router = APIRouter(prefix="/console/pick-lists", include_in_schema=False)
TextField = Annotated[str, Form()]
NextField = Annotated[str, Form(alias="next")]
IdsField = Annotated[list[str] | None, Form()]
QUEUE = "/console/fulfillment-orders"
MAX_ID = 2**62
MAX_WAVE_UNITS = 100_000


def pick_list_id(text: str) -> int | None:
    """A pick list id from "12" or its code "PL-000012"; None when it names none."""
    text = text.strip()
    if text[:3].upper() == "PL-":
        text = text[3:]
    if text.isascii() and text.isdigit() and len(text) < 19 and 1 <= int(text) <= MAX_ID:
        return int(text)
    return None


def _visible(request: Request, session: ConsoleSession, reference: str) -> dict[str, Any]:
    found_id = pick_list_id(reference)
    found = None
    if found_id is not None:
        with database(request).reading() as connection:
            found = get_pick_list(connection, found_id, scope_of(session.principal))
    if found is None:
        raise PageRefused(404, "Pick list not found",
                          f"There is no pick list {reference!r} that you can see.")
    return found


def _created(request: Request, session: ConsoleSession, location: str,
             ids: list[int] | None, wave: picking.Wave | None, back: str) -> Response:
    try:
        created = picking.create_pick_list(unit_of_work(request, session), location.strip(),
                                           ids, wave, scope_of(session.principal))
    except OrdermillError as error:
        return redirect(back, Flash.of_error(error))
    totes = len(created["fulfillment_orders"])
    return redirect(f"/console/pick-lists/{created['id']}", Flash(
        "success", f"{created['code']} is ready: {len(created['stops'])} stops, "
                   f"{totes} tote{'s' if totes != 1 else ''}."))


@router.post("")
def create_for_selected(request: Request, location: TextField = "",
                        fulfillment_order: IdsField = None,
                        next_path: NextField = "",
                        session: ConsoleSession = Depends(posting("fulfillment:write"))
                        ) -> Response:
    back = local_path(next_path, QUEUE)
    if not fulfillment_order:
        return redirect(back, Flash("error", "Tick the fulfillment orders to pick first."))
    try:
        ids = [forms.whole_number(text, "fulfillment_order") for text in fulfillment_order]
    except ValidationFailed as error:
        return redirect(back, Flash.of_error(error))
    return _created(request, session, location, ids, None, back)


@router.post("/wave")
def create_wave(request: Request, location: TextField = "", max_orders: TextField = "",
                max_units: TextField = "", next_path: NextField = "",
                session: ConsoleSession = Depends(posting("fulfillment:write"))) -> Response:
    back = local_path(next_path, QUEUE)
    try:
        wave = picking.Wave(forms.optional_number(max_orders, "max_orders"),
                            forms.optional_number(max_units, "max_units"))
        # The API's bounds: a list holds at most MAX_ORDERS_PER_LIST totes.
        for name, limit, most in (("max_orders", wave.max_orders, picking.MAX_ORDERS_PER_LIST),
                                  ("max_units", wave.max_units, MAX_WAVE_UNITS)):
            if limit is not None and not 1 <= limit <= most:
                raise ValidationFailed.on(name, f"1 to {most}, or empty for no limit")
    except ValidationFailed as error:
        return redirect(back, Flash.of_error(error))
    return _created(request, session, location, None, wave, back)


@router.get("/{reference}.pdf")
def as_pdf(request: Request, reference: str,
           session: ConsoleSession = Depends(viewing("fulfillment:read"))) -> Response:
    found = _visible(request, session, reference)
    return Response(printed(found), media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{found["code"]}.pdf"'})


@router.get("/{reference}")
def pick_list_page(request: Request, reference: str,
                   session: ConsoleSession = Depends(viewing("fulfillment:read"))) -> Response:
    found = _visible(request, session, reference)
    return render(request, "picking/pick_list.html", session, pick_list=found,
                  counted=sum(1 for s in found["stops"] if s["picked_quantity"] is not None),
                  can_pick=session.principal.can("fulfillment:write"))


@router.get("/{reference}/walk")
def walk(request: Request, reference: str,
         session: ConsoleSession = Depends(viewing("fulfillment:read"))) -> Response:
    """The next stop to count, alone and large: the picker's screen."""
    found = _visible(request, session, reference)
    stops = found["stops"]
    waiting = [stop for stop in stops if stop["picked_quantity"] is None]
    totes = {fo["tote"]: fo for fo in found["fulfillment_orders"]}
    return render(request, "picking/walk.html", session, pick_list=found,
                  stop=waiting[0] if waiting and found["status"] == "open" else None,
                  position=len(stops) - len(waiting) + 1, totes=totes,
                  short=[stop for stop in stops if stop["picked_quantity"] is not None
                         and stop["picked_quantity"] < stop["quantity"]],
                  can_pick=session.principal.can("fulfillment:write"))


@router.post("/{reference}/stops/{sequence}")
def count_stop(request: Request, reference: str, sequence: str, picked_quantity: TextField = "",
               session: ConsoleSession = Depends(posting("fulfillment:write"))) -> Response:
    found = _visible(request, session, reference)
    here = f"/console/pick-lists/{found['id']}/walk"

    def work() -> str:
        number = forms.whole_number(sequence, "sequence")
        picked = forms.whole_number(picked_quantity, "picked_quantity")
        after = picking.confirm_pick_list(unit_of_work(request, session), found["id"],
                                          [picking.Confirmation(number, picked)],
                                          scope_of(session.principal))
        stop = next(s for s in after["stops"] if s["sequence"] == number)
        counted = (f"Stop {number}: {picked} of {stop['quantity']} {stop['sku']} picked"
                   + (f", {stop['quantity'] - picked} short." if picked < stop["quantity"]
                      else "."))
        if after["status"] == "completed":
            return f"{counted} {after['code']} is complete."
        return counted

    return attempt(here, work)
