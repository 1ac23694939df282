"""Inventory pages: stock levels by sku and location, and the stock ledger."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from ordermill.accounts.service import ConsoleSession
from ordermill.console import forms
from ordermill.console.pages import Flash, page_link, render
from ordermill.console.session import database, scope_of, viewing
from ordermill.inventory import queries
from ordermill.locations import queries as locations
from ordermill.shared.errors import ValidationFailed

router = APIRouter(prefix="/console/inventory", include_in_schema=False)
PAGE_SIZE = 50


@router.get("")
def levels(request: Request, sku: str = "", location: str = "", low: str = "", after: str = "",
           session: ConsoleSession = Depends(viewing("inventory:read"))) -> Response:
    principal = session.principal
    filters = {"sku": sku, "location": location, "low": "1" if low else ""}
    with database(request).reading() as connection:
        items, position = queries.list_levels(
            connection, sku=forms.optional_text(sku), location=forms.optional_text(location),
            low_only=bool(low), location_scope=scope_of(principal),
            after_id=forms.cursor(after), limit=PAGE_SIZE)
        places = locations.list_locations(connection, only_ids=scope_of(principal))
    next_page = (page_link("/console/inventory", {**filters, "after": position})
                 if position is not None else None)
    return render(request, "inventory/levels.html", session, levels=items, filters=filters,
                  locations=places, next_page=next_page, paged=bool(after),
                  first_page=page_link("/console/inventory", filters),
                  can_change=principal.can("inventory:write"))


@router.get("/ledger")
def ledger(request: Request, sku: str = "", location: str = "", since: str = "",
           until: str = "", before: str = "",
           session: ConsoleSession = Depends(viewing("inventory:read"))) -> Response:
    principal = session.principal
    filters = {"sku": sku, "location": location, "since": since, "until": until}
    entries: list[dict[str, object]] = []
    position, notice = None, None
    with database(request).reading() as connection:
        try:
            entries, position = queries.list_ledger(
                connection, sku=forms.optional_text(sku),
                location=forms.optional_text(location),
                since=forms.day_start(since, "since"),
                until=forms.day_start(until, "until", following=True),
                location_scope=scope_of(principal), before_id=forms.cursor(before),
                limit=PAGE_SIZE)
        except ValidationFailed as error:
            notice = Flash.of_error(error)
        places = locations.list_locations(connection, only_ids=scope_of(principal))
    next_page = (page_link("/console/inventory/ledger", {**filters, "before": position})
                 if position is not None else None)
    return render(request, "inventory/ledger.html", session, notice=notice, entries=entries,
                  filters=filters, locations=places, next_page=next_page, paged=bool(before),
                  first_page=page_link("/console/inventory/ledger", filters))
