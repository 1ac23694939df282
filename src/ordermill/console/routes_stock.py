"""One sku at one location: its level, recent ledger, and the forms that move its stock."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from ordermill.accounts.service import ConsoleSession
from ordermill.catalog import queries as catalog
from ordermill.console import forms
from ordermill.console.pages import attempt, local_path, page_link, render
from ordermill.console.session import (
    PageRefused,
    database,
    posting,
    scope_of,
    unit_of_work,
    viewing,
)
from ordermill.inventory import queries, service
from ordermill.inventory.domain import AdjustmentReason
from ordermill.locations import queries as locations

router = APIRouter(prefix="/console/inventory", include_in_schema=False)
TextField = Annotated[str, Form()]
NextField = Annotated[str, Form(alias="next")]
RECENT_ENTRIES = 20


def stock_path(location: str, sku: str) -> str:
    return f"/console/inventory/{quote(location, safe='')}/{quote(sku, safe='/')}"


@router.get("/{location}/{sku:path}")
def stock_page(request: Request, location: str, sku: str,
               session: ConsoleSession = Depends(viewing("inventory:read"))) -> Response:
    scope = scope_of(session.principal)
    with database(request).reading() as connection:
        visible = {place["code"]: place
                   for place in locations.list_locations(connection, only_ids=scope)}
        product = catalog.get_product(connection, sku)
        if location not in visible or product is None:
            raise PageRefused(404, "Stock not found",
                              f"There is no sku {sku!r} at a location {location!r} you can see.")
        found = queries.list_levels(connection, sku=sku, location=location,
                                    location_scope=scope, limit=1)[0]
        entries = queries.list_ledger(connection, sku=sku, location=location,
                                      location_scope=scope, limit=RECENT_ENTRIES)[0]
    destinations = [place for code, place in visible.items()
                    if code != location and place["active"]]
    return render(request, "inventory/stock.html", session, product=product,
                  location=visible[location], level=found[0] if found else None,
                  entries=entries, destinations=destinations,
                  here=stock_path(location, sku),
                  ledger_link=page_link("/console/inventory/ledger",
                                        {"sku": sku, "location": location}),
                  can_change=session.principal.can("inventory:write"),
                  adjustment_reasons=list(AdjustmentReason))


def _back(next_path: str, location: str, sku: str) -> str:
    return local_path(next_path, stock_path(location, sku) if location and sku
                      else "/console/inventory")


@router.post("/receipts")
def receive(request: Request, sku: TextField = "", location: TextField = "",
            quantity: TextField = "", reference: TextField = "", reason: TextField = "",
            next_path: NextField = "",
            session: ConsoleSession = Depends(posting("inventory:write"))) -> Response:
    def work() -> str:
        level = service.receive_stock(
            unit_of_work(request, session), sku=sku.strip(), location=location.strip(),
            quantity=forms.whole_number(quantity, "quantity"),
            reference=forms.optional_text(reference), reason=forms.optional_text(reason),
            scope=scope_of(session.principal))
        return _moved("Received", level, quantity)

    return attempt(_back(next_path, location, sku), work)


@router.post("/adjustments")
def adjust(request: Request, sku: TextField = "", location: TextField = "",
           quantity: TextField = "", reason: TextField = "", next_path: NextField = "",
           session: ConsoleSession = Depends(posting("inventory:write"))) -> Response:
    def work() -> str:
        level = service.adjust_stock(
            unit_of_work(request, session), sku=sku.strip(), location=location.strip(),
            quantity=forms.whole_number(quantity, "quantity"),
            reason=forms.optional_text(reason), scope=scope_of(session.principal))
        return _moved("Adjusted", level, quantity)

    return attempt(_back(next_path, location, sku), work)


@router.post("/counts")
def count(request: Request, sku: TextField = "", location: TextField = "",
          quantity: TextField = "", reason: TextField = "", next_path: NextField = "",
          session: ConsoleSession = Depends(posting("inventory:write"))) -> Response:
    def work() -> str:
        level = service.count_stock(
            unit_of_work(request, session), sku=sku.strip(), location=location.strip(),
            quantity=forms.whole_number(quantity, "quantity"),
            reason=forms.optional_text(reason), scope=scope_of(session.principal))
        return (f"Counted {level['on_hand']} {level['sku']} at {level['location']} "
                f"(difference {level['difference']:+d}).")

    return attempt(_back(next_path, location, sku), work)


@router.post("/transfers")
def transfer(request: Request, sku: TextField = "", from_location: TextField = "",
             to_location: TextField = "", quantity: TextField = "", reason: TextField = "",
             next_path: NextField = "",
             session: ConsoleSession = Depends(posting("inventory:write"))) -> Response:
    def work() -> str:
        moved = service.transfer_stock(
            unit_of_work(request, session), sku=sku.strip(),
            from_location=from_location.strip(), to_location=to_location.strip(),
            quantity=forms.whole_number(quantity, "quantity"),
            reason=forms.optional_text(reason), scope=scope_of(session.principal))
        return (f"Moved {quantity.strip()} {moved['from']['sku']} from "
                f"{moved['from']['location']} to {moved['to']['location']}.")

    return attempt(_back(next_path, from_location, sku), work)


@router.post("/policies")
def set_policy(request: Request, sku: TextField = "", location: TextField = "",
               safety_stock: TextField = "", reorder_point: TextField = "",
               next_path: NextField = "",
               session: ConsoleSession = Depends(posting("inventory:write"))) -> Response:
    def work() -> str:
        level = service.set_stock_policy(
            unit_of_work(request, session), sku=sku.strip(), location=location.strip(),
            safety_stock=forms.optional_number(safety_stock, "safety_stock"),
            reorder_point=forms.optional_number(reorder_point, "reorder_point"),
            scope=scope_of(session.principal))
        return (f"{level['sku']} at {level['location']}: safety stock "
                f"{level['safety_stock']}, reorder point {level['reorder_point']}.")

    return attempt(_back(next_path, location, sku), work)


def _moved(verb: str, level: dict[str, Any], quantity: str) -> str:
    return (f"{verb} {quantity.strip()} {level['sku']} at {level['location']}; "
            f"{level['on_hand']} on hand, {level['available']} available.")
