"""Pack station endpoints: each location's box catalogue, packing a fulfillment order, and its
packing slip."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import Field

from ordermill.accounts.domain import Principal
from ordermill.api.auth import database, require, scope_of, unit_of_work
from ordermill.api.schemas import Strict
from ordermill.db.engine import Database
from ordermill.fulfillment import boxes, pack_station
from ordermill.fulfillment.documents import packing_slip_pdf
from ordermill.fulfillment.packing import BoxType

router = APIRouter(tags=["packing"])
Id = Annotated[int, Path(ge=1, le=2**62)]
Millimetres = Annotated[int, Field(ge=1, le=boxes.MAX_BOX_MM)]



class BoxIn(Strict):
    """A box the station stocks, by its inner dimensions."""

    code: Annotated[str, Field(min_length=1, max_length=boxes.MAX_CODE)]
    length_mm: Millimetres
    width_mm: Millimetres
    height_mm: Millimetres
    max_weight_g: Annotated[int, Field(ge=1, le=boxes.MAX_BOX_GRAMS)]


class BoxesIn(Strict):
    boxes: Annotated[list[BoxIn], Field(max_length=boxes.MAX_BOXES)]


class PackIn(Strict):
    scans: Annotated[list[Annotated[str, Field(max_length=64)]],
                     Field(max_length=pack_station.MAX_SCANS,
                           description="one GTIN or sku per unit, as the scanner read it")]
    weight_grams: Annotated[int, Field(ge=1, le=pack_station.MAX_WEIGHT_GRAMS,
                                       description="the scale's reading, all packages")]
    box: Annotated[str, Field(min_length=1, max_length=boxes.MAX_CODE)] | None = Field(
        default=None, description="the box code; without it the smallest that fits is used")


@router.put("/locations/{code}/boxes")
def set_boxes(code: str, body: BoxesIn, request: Request,
              principal: Principal = Depends(require("locations:write"))) -> dict[str, Any]:
    """Replace the location's box catalogue whole."""
    return boxes.set_boxes(unit_of_work(request, principal), location=code,
                           boxes=[BoxType(**box.model_dump()) for box in body.boxes],
                           location_scope=scope_of(principal))


@router.get("/locations/{code}/boxes")
def get_boxes(code: str, db: Database = Depends(database),
              principal: Principal = Depends(require("locations:read"))) -> dict[str, Any]:
    with db.reading() as connection:
        return boxes.get_boxes(connection, code, scope_of(principal))


@router.post("/fulfillment-orders/{fulfillment_order_id}/pack")
def pack(fulfillment_order_id: Id, body: PackIn, request: Request,
         principal: Principal = Depends(require("fulfillment:write"))) -> dict[str, Any]:
    """Every unit scanned (GTIN or sku), none extra: the units are packed into the given box,
    else the smallest the location stocks that takes them (or several, sharing the weight by
    the units' catalogue weights), else into one package without a box."""
    return pack_station.pack_fulfillment_order(
        unit_of_work(request, principal), fulfillment_order_id=fulfillment_order_id,
        scans=body.scans, weight_grams=body.weight_grams, box=body.box,
        location_scope=scope_of(principal))


@router.get("/fulfillment-orders/{fulfillment_order_id}/packages")
def list_packages(fulfillment_order_id: Id, db: Database = Depends(database),
                  principal: Principal = Depends(require("fulfillment:read"))
                  ) -> dict[str, Any]:
    with db.reading() as connection:
        items = pack_station.fulfillment_order_packages(connection, fulfillment_order_id,
                                                        scope_of(principal))
    return {"items": items, "next_cursor": None}


@router.get("/fulfillment-orders/{fulfillment_order_id}/packing-slip.pdf",
            response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def packing_slip(fulfillment_order_id: Id, db: Database = Depends(database),
                 principal: Principal = Depends(require("fulfillment:read"))) -> Response:
    with db.reading() as connection:
        slip = pack_station.packing_slip(
            connection, fulfillment_order_id, location_scope=scope_of(principal))
    # Laid out after the connection is back in the pool: rendering takes longer than reading.
    return Response(packing_slip_pdf(slip), media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="packing-slip-{slip.order_number}.pdf"'})
