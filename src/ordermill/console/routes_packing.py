"""The pack station: a fulfillment order loaded by scanning its pick list, order or id, each
unit scanned and checked at once, then weighed and packed; its packing slip.

The scans so far travel in the page (a hidden field posted with each scan), so the station
keeps no state on the server until the order is packed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy.engine import Connection
from starlette.responses import Response

from ordermill.accounts.service import ConsoleSession
from ordermill.console import forms
from ordermill.console.pages import Flash, redirect, render
from ordermill.console.routes_fulfillment import fulfillment_order_id, visible_fulfillment_order
from ordermill.console.routes_picking import pick_list_id
from ordermill.console.session import database, posting, scope_of, unit_of_work, viewing
from ordermill.fulfillment import boxes, pack_station
from ordermill.fulfillment.pick_lists import get_pick_list
from ordermill.fulfillment.scanning import PackCheck, PackLine, ScanOutcome
from ordermill.fulfillment.work_queue import get_fulfillment_order, list_fulfillment_orders
from ordermill.orders.domain import FULFILLMENT_TRANSITIONS, FulfillmentStatus, parse_order_number
from ordermill.shared.errors import OrdermillError, ValidationFailed

router = APIRouter(prefix="/console/pack", include_in_schema=False)
TextField = Annotated[str, Form()]
STATION = "/console/pack"
MAX_SCAN = 64  # characters in one read, as the API takes them
MAX_ID = 2**62


def _found(connection: Connection, session: ConsoleSession, code: str) -> list[dict[str, Any]]:
    """The fulfillment orders a scanned code names: a pick list's (PL-000012), an order's
    (OM-000123) or one by its id; only those the user may see."""
    scope = scope_of(session.principal)
    text = code.strip()
    order_id = parse_order_number(text)
    if order_id is not None:
        if not 1 <= order_id <= MAX_ID:
            return []
        return list_fulfillment_orders(connection, order_id=order_id, location_scope=scope,
                                       statuses=list(FulfillmentStatus), limit=100)[0]
    if text[:3].upper() == "PL-":
        listed_id = pick_list_id(text)
        pick_list = (get_pick_list(connection, listed_id, scope) if listed_id is not None
                     else None)
        ids = [] if pick_list is None else [fo["id"] for fo in pick_list["fulfillment_orders"]]
    else:
        found_id = fulfillment_order_id(text)
        ids = [] if found_id is None else [found_id]
    return [fo for fo in (get_fulfillment_order(connection, i, scope) for i in ids)
            if fo is not None]


def _packable(fo: dict[str, Any]) -> bool:
    return FULFILLMENT_TRANSITIONS.allows("pack", fo["status"])


@router.get("")
def station(request: Request, code: str = "",
            session: ConsoleSession = Depends(viewing("fulfillment:write"))) -> Response:
    """Scan a pick list, an order or a fulfillment order to start; several to choose from
    (one pick list, several totes) are listed."""
    if not code.strip():
        return render(request, "packing/load.html", session, code="", found=[], scripted=True)
    with database(request).reading() as connection:
        found = _found(connection, session, code)
    ready = [fo for fo in found if _packable(fo)]
    if len(ready) == 1:
        return redirect(f"{STATION}/{ready[0]['id']}")
    notice = None
    if not found:
        notice = Flash("error", f"Nothing to pack for {code.strip()!r}: scan a pick list "
                                "(PL-000012), an order (OM-000123) or a fulfillment order.")
    elif not ready:
        notice = Flash("error", f"Nothing left to pack for {code.strip()}.")
    return render(request, "packing/load.html", session, code=code.strip(), found=found,
                  packable=_packable, notice=notice, scripted=True,
                  status_code=404 if not found else 200)


def _scans(scanned: str) -> list[str]:
    return [scan for scan in scanned.split("\n") if scan.strip()]


def _check(fo: dict[str, Any], scans: list[str]) -> tuple[PackCheck, bool]:
    """The order's check with the scans so far replayed; False when one of them no longer
    fits (the order changed since): then the check starts empty."""
    def fresh() -> PackCheck:
        return PackCheck([PackLine(line["sku"], line["quantity"], line["gtin"])
                          for line in fo["lines"] if line["quantity"] > 0])

    check = fresh()
    if all(check.scan(scan).accepted for scan in scans):
        return check, True
    return fresh(), False


def _rows(fo: dict[str, Any], check: PackCheck) -> list[dict[str, Any]]:
    """One row a sku, in line order, with how many are scanned."""
    packed, rows = check.result.packed, dict[str, dict[str, Any]]()
    for line in fo["lines"]:
        if line["quantity"] > 0:
            row = rows.setdefault(line["sku"], {"sku": line["sku"], "name": line["name"],
                                                "gtin": line["gtin"], "quantity": 0,
                                                "packed": packed.get(line["sku"], 0)})
            row["quantity"] += line["quantity"]
    return list(rows.values())


def _suggestion(connection: Connection, fo: dict[str, Any],
                session: ConsoleSession) -> dict[str, Any]:
    """The box the pack station module suggests for the order, and the location's boxes to
    choose another."""
    scope = scope_of(session.principal)
    catalogue = boxes.get_boxes(connection, fo["location"], scope)["boxes"]
    return {"suggested": pack_station.suggested_boxes(connection, fo["id"], scope),
            "boxes": catalogue}


def _page(request: Request, session: ConsoleSession, fo: dict[str, Any], scans: list[str], *,
          notice: Flash | None = None, outcome: ScanOutcome | None = None, weight: str = "",
          box: str = "") -> Response:
    check, still_fits = _check(fo, scans)
    if not still_fits:
        scans, notice = [], Flash("error", "The order changed since the last scan: scan its "
                                           "items again.")
    if outcome is not None and not outcome.accepted:
        notice = Flash("error", f"Refused: {outcome.reason}.")
    result = check.result
    context: dict[str, Any] = {"boxes": [], "suggested": None}
    if result.complete and _packable(fo):
        with database(request).reading() as connection:
            context = _suggestion(connection, fo, session)
    return render(request, "packing/station.html", session, notice=notice, scripted=True,
                  fo=fo, rows=_rows(fo, check), scanned="\n".join(scans),
                  scanned_count=len(scans), complete=result.complete,
                  missing=sum(result.missing.values()), outcome=outcome,
                  refused=outcome is not None and not outcome.accepted,
                  packable=_packable(fo), weight=weight, box=box, **context)


@router.get("/{reference}")
def packing(request: Request, reference: str,
            session: ConsoleSession = Depends(viewing("fulfillment:write"))) -> Response:
    with database(request).reading() as connection:
        fo = visible_fulfillment_order(connection, session, reference)
        packages = pack_station.fulfillment_order_packages(connection, fo["id"],
                                                           scope_of(session.principal))
    if fo["status"] in (FulfillmentStatus.PACKED, FulfillmentStatus.SHIPPED):
        return render(request, "packing/packed.html", session, fo=fo, packages=packages,
                      scripted=True)
    return _page(request, session, fo, [])


@router.post("/{reference}/scan")
def scan(request: Request, reference: str, scanned: TextField = "", code: TextField = "",
         session: ConsoleSession = Depends(posting("fulfillment:write"))) -> Response:
    """One more scan, checked against the order with the scans before it."""
    with database(request).reading() as connection:
        fo = visible_fulfillment_order(connection, session, reference)
    scans, code = _scans(scanned), code.strip()
    if not code:
        return _page(request, session, fo, scans)
    check, still_fits = _check(fo, scans)
    if not still_fits:
        return _page(request, session, fo, scans)
    if len(code) > MAX_SCAN:
        outcome = ScanOutcome(reason=f"a scan is at most {MAX_SCAN} characters")
    else:
        outcome = check.scan(code)
    return _page(request, session, fo, [*scans, code] if outcome.accepted else scans,
                 outcome=outcome)


@router.post("/{reference}/pack")
def pack(request: Request, reference: str, scanned: TextField = "", weight_grams: TextField = "",
         box: TextField = "",
         session: ConsoleSession = Depends(posting("fulfillment:write"))) -> Response:
    with database(request).reading() as connection:
        fo = visible_fulfillment_order(connection, session, reference)
    scans = _scans(scanned)
    try:
        if not weight_grams.strip():
            raise ValidationFailed.on("weight_grams", "weigh the parcel and enter its grams")
        packed = pack_station.pack_fulfillment_order(
            unit_of_work(request, session), fulfillment_order_id=fo["id"], scans=scans,
            weight_grams=forms.whole_number(weight_grams, "weight_grams"),
            box=box.strip() or None, location_scope=scope_of(session.principal))
    except OrdermillError as error:
        return _page(request, session, fo, scans, notice=Flash.of_error(error),
                     weight=weight_grams, box=box)
    count = len(packed["packages"])
    into = ", ".join(package["box"] or "no box" for package in packed["packages"])
    return redirect(f"{STATION}/{fo['id']}", Flash(
        "success", f"{packed['order_number']} is packed: {count} "
                   f"package{'s' if count != 1 else ''} ({into}), {weight_grams.strip()} g."))
