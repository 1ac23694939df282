"""Location endpoints: warehouses, stores and 3PLs by code."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field

from ordermill.accounts.domain import Principal
from ordermill.api.auth import database, require, scope_of, unit_of_work
from ordermill.api.schemas import AddressIn, Code, Sku, Strict, patch_changes
from ordermill.db.engine import Database
from ordermill.fulfillment import queries as floor_queries
from ordermill.fulfillment import service as floor
from ordermill.fulfillment.domain import MAX_AISLES, MAX_BINS, MAX_METRES, BinFacts, LayoutFacts
from ordermill.fulfillment.warehouse import Spot
from ordermill.locations import queries, service
from ordermill.locations.domain import MAX_RATE, LocationFacts, shipping_rates
from ordermill.shared.errors import NotFound

router = APIRouter(prefix="/locations", tags=["locations"])
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Priority = Annotated[int, Field(ge=0, le=1_000_000, description="lower is preferred")]


Rate = Annotated[int, Field(ge=0, le=MAX_RATE)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class ShippingRatesIn(Strict):
    """One parcel's estimated cost from this location, in minor units."""

    domestic: Rate
    international: Rate
    per_kg: Rate = 0
    countries: Annotated[dict[Country, Rate], Field(max_length=300)] = {}


class LocationIn(Strict):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Annotated[str, Field(max_length=20)] = "warehouse"
    address: AddressIn
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    ships: bool = True
    pickup: bool = False
    priority: Priority = 100
    active: bool = True
    notification_email: Annotated[str, Field(max_length=254)] | None = None
    daily_order_limit: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    cutoff_time: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
                                      description="local HH:MM")] | None = None
    timezone: Annotated[str, Field(max_length=64)] = "UTC"
    ships_to: Annotated[list[Country], Field(max_length=300)] | None = None
    shipping_rates: ShippingRatesIn | None = None


class LocationPatch(Strict):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    kind: Annotated[str, Field(max_length=20)] | None = None
    address: AddressIn | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    ships: bool | None = None
    pickup: bool | None = None
    priority: Priority | None = None
    active: bool | None = None
    notification_email: Annotated[str, Field(max_length=254)] | None = None
    daily_order_limit: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    cutoff_time: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
                                      description="local HH:MM")] | None = None
    timezone: Annotated[str, Field(max_length=64)] | None = None
    ships_to: Annotated[list[Country], Field(max_length=300)] | None = None
    shipping_rates: ShippingRatesIn | None = None


AisleNumber = Annotated[int, Field(ge=0, lt=MAX_AISLES)]
Metres = Annotated[float, Field(ge=0, le=MAX_METRES)]


class DepotIn(Strict):
    aisle: AisleNumber
    position_m: Metres


class BinIn(Strict):
    code: Annotated[str, Field(min_length=1, max_length=40)]
    sku: Sku
    aisle: AisleNumber
    position_m: Metres


class LayoutIn(Strict):
    """Aisle i is the line x = i * aisle_spacing_m, from y = 0 (front) to y = aisle_length_m;
    cross aisles run at evenly spaced y from front to back (2: one block)."""

    aisle_count: Annotated[int, Field(ge=1, le=MAX_AISLES)]
    aisle_length_m: Annotated[float, Field(gt=0, le=MAX_METRES)]
    aisle_spacing_m: Annotated[float, Field(gt=0, le=MAX_METRES)]
    cross_aisle_count: Annotated[int, Field(ge=2, le=50)] = 2
    depot: DepotIn = DepotIn(aisle=0, position_m=0.0)
    bins: Annotated[list[BinIn], Field(max_length=MAX_BINS)] = []

    def to_domain(self) -> LayoutFacts:
        return LayoutFacts(
            self.aisle_count, self.aisle_length_m, self.aisle_spacing_m, self.cross_aisle_count,
            Spot(self.depot.aisle, self.depot.position_m),
            [BinFacts(b.code, b.sku, b.aisle, b.position_m) for b in self.bins])


@router.post("", status_code=201)
def create_location(body: LocationIn, request: Request, response: Response,
                    principal: Principal = Depends(require("locations:write"))) -> dict[str, Any]:
    facts = LocationFacts(**body.model_dump(exclude={"address", "shipping_rates"}),
                          address=body.address.to_domain(),
                          shipping_rates=shipping_rates(body.model_dump()["shipping_rates"]))
    location = service.create_location(unit_of_work(request, principal), facts)
    response.headers["Location"] = f"/api/v1/locations/{location['code']}"
    return location


@router.get("")
def list_locations(active: bool | None = None, db: Database = Depends(database),
                   principal: Principal = Depends(require("locations:read"))) -> dict[str, Any]:
    with db.reading() as connection:
        items = queries.list_locations(connection, only_ids=scope_of(principal), active=active)
    return {"items": items, "next_cursor": None}


@router.get("/{code}")
def get_location(code: str, db: Database = Depends(database),
                 principal: Principal = Depends(require("locations:read"))) -> dict[str, Any]:
    return _visible(db, principal, code)


def _visible(db: Database, principal: Principal, code: str) -> dict[str, Any]:
    """The location, or 404 unless it exists and the caller may see it."""
    with db.reading() as connection:
        location = queries.get_location(connection, code)
        row_scope = scope_of(principal)
        if location is not None and row_scope is not None:
            visible = {loc["code"] for loc in queries.list_locations(connection,
                                                                      only_ids=row_scope)}
            location = location if code in visible else None
    if location is None:
        raise NotFound(f"location {code!r} not found")
    return location


@router.patch("/{code}")
def update_location(code: str, body: LocationPatch, request: Request,
                    principal: Principal = Depends(require("locations:write"))) -> dict[str, Any]:
    changes = patch_changes(body, frozenset({
        "latitude", "longitude", "notification_email", "daily_order_limit", "cutoff_time",
        "ships_to", "shipping_rates"}))
    if "address" in changes:
        changes["address"] = body.address.model_dump(exclude_unset=True)  # type: ignore[union-attr]
    return service.update_location(unit_of_work(request, principal), code, changes)


@router.put("/{code}/layout")
def set_layout(code: str, body: LayoutIn, request: Request,
               principal: Principal = Depends(require("locations:write"))) -> dict[str, Any]:
    """Replace the location's floor plan and the bin of each sku there."""
    return floor.set_layout(unit_of_work(request, principal), code, body.to_domain())


@router.get("/{code}/layout")
def get_layout(code: str, db: Database = Depends(database),
               principal: Principal = Depends(require("locations:read"))) -> dict[str, Any]:
    _visible(db, principal, code)
    with db.reading() as connection:
        layout = floor_queries.get_layout(connection, code)
    if layout is None:
        raise NotFound(f"location {code!r} has no layout yet")
    return layout
