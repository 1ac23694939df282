"""Pick list endpoints: a walk through a location's shelves for some fulfillment orders, as
data and as a printable PDF, and the picker's count."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import Field

from ordermill.accounts.domain import Principal
from ordermill.api.auth import database, require, scope_of, unit_of_work
from ordermill.api.schemas import Code, Strict
from ordermill.db.engine import Database
from ordermill.fulfillment import picking
from ordermill.fulfillment.pick_lists import get_pick_list, printed
from ordermill.shared.errors import NotFound, ValidationFailed

router = APIRouter(prefix="/pick-lists", tags=["picking"])
Id = Annotated[int, Path(ge=1, le=2**62)]
FulfillmentOrderId = Annotated[int, Field(ge=1, le=2**62)]


class WaveIn(Strict):
    """The most urgent open fulfillment orders that fit one cart."""

    max_orders: Annotated[int, Field(ge=1, le=picking.MAX_ORDERS_PER_LIST)] | None = None
    max_units: Annotated[int, Field(ge=1, le=100_000)] | None = None


class PickListIn(Strict):
    location: Code
    fulfillment_orders: Annotated[list[FulfillmentOrderId],
                                  Field(min_length=1, max_length=100)] | None = None
    wave: WaveIn | None = None


class CountIn(Strict):
    sequence: Annotated[int, Field(ge=1, le=1_000_000)]
    picked_quantity: Annotated[int, Field(ge=0, le=1_000_000)]


class ConfirmationIn(Strict):
    """Counts for some stops (a short pick is a count below the listed quantity); without
    `lines`, every stop not yet counted is confirmed as listed."""

    lines: Annotated[list[CountIn], Field(max_length=10_000)] | None = None


@router.post("", status_code=201)
def create(body: PickListIn, request: Request, response: Response,
           principal: Principal = Depends(require("fulfillment:write"))) -> dict[str, Any]:
    """A pick list for the named fulfillment orders (one tote each) or for the next wave;
    its stops come in walking order with the route's length and the S-shape's."""
    if (body.fulfillment_orders is None) == (body.wave is None):
        raise ValidationFailed.on("fulfillment_orders", "name fulfillment orders or a wave")
    wave = None if body.wave is None else picking.Wave(body.wave.max_orders,
                                                        body.wave.max_units)
    created = picking.create_pick_list(unit_of_work(request, principal), body.location,
                                       body.fulfillment_orders, wave, scope_of(principal))
    response.headers["Location"] = f"/api/v1/pick-lists/{created['id']}"
    return created


@router.get("/{pick_list_id}.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def as_pdf(pick_list_id: Id, db: Database = Depends(database),
           principal: Principal = Depends(require("fulfillment:read"))) -> Response:
    found = _visible(db, principal, pick_list_id)
    return Response(printed(found), media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{found["code"]}.pdf"'})


@router.get("/{pick_list_id}")
def get_one(pick_list_id: Id, db: Database = Depends(database),
            principal: Principal = Depends(require("fulfillment:read"))) -> dict[str, Any]:
    return _visible(db, principal, pick_list_id)


@router.post("/{pick_list_id}/confirm")
def confirm(pick_list_id: Id, request: Request, body: ConfirmationIn | None = None,
            principal: Principal = Depends(require("fulfillment:write"))) -> dict[str, Any]:
    counts = None if body is None or body.lines is None else [
        picking.Confirmation(line.sequence, line.picked_quantity) for line in body.lines]
    return picking.confirm_pick_list(unit_of_work(request, principal), pick_list_id, counts,
                                     scope_of(principal))


def _visible(db: Database, principal: Principal, pick_list_id: int) -> dict[str, Any]:
    with db.reading() as connection:
        found = get_pick_list(connection, pick_list_id, scope_of(principal))
    if found is None:
        raise NotFound(f"pick list {pick_list_id} not found")
    return found
