"""Location endpoints: warehouses, stores and 3PLs by code."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field

from ordermill.accounts.domain import Principal
from ordermill.api.auth import database, require, scope_of, unit_of_work
from ordermill.api.schemas import AddressIn, Code, Strict, patch_changes
from ordermill.db.engine import Database
from ordermill.locations import queries, service
from ordermill.locations.domain import LocationFacts
from ordermill.shared.errors import NotFound

router = APIRouter(prefix="/locations", tags=["locations"])
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Priority = Annotated[int, Field(ge=0, le=1_000_000, description="lower is preferred")]


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


@router.post("", status_code=201)
def create_location(body: LocationIn, request: Request, response: Response,
                    principal: Principal = Depends(require("locations:write"))) -> dict[str, Any]:
    facts = LocationFacts(**body.model_dump(exclude={"address"}),
                          address=body.address.to_domain())
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
    changes = patch_changes(body, frozenset({"latitude", "longitude"}))
    if "address" in changes:
        changes["address"] = body.address.model_dump(exclude_unset=True)  # type: ignore[union-attr]
    return service.update_location(unit_of_work(request, principal), code, changes)
