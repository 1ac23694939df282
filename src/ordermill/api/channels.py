"""Channel endpoints: sales channels by code and what each would publish as available."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field

from ordermill.accounts.domain import Principal
from ordermill.api.auth import database, require, unit_of_work
from ordermill.api.schemas import Code, Strict, patch_changes
from ordermill.channels import queries, repository, service
from ordermill.channels.domain import AvailabilityRules, ChannelFacts
from ordermill.db.engine import Database
from ordermill.shared.errors import NotFound

router = APIRouter(prefix="/channels", tags=["channels"])
Buffer = Annotated[int, Field(ge=0, le=1_000_000)]


class AvailabilityIn(Strict):
    buffer: Buffer = 0
    cap_percent: Annotated[int, Field(ge=1, le=100)] | None = None
    sku_buffers: Annotated[dict[str, Buffer], Field(max_length=10_000)] = {}


class ChannelIn(Strict):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Annotated[str, Field(max_length=20)]
    locations: Annotated[list[Code], Field(max_length=500)] = []
    shortage_policy: Annotated[str, Field(max_length=20)] = "reject"
    payment_terms: Annotated[str, Field(max_length=20)] = "prepaid"
    availability: AvailabilityIn = AvailabilityIn()
    active: bool = True


class ChannelPatch(Strict):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    kind: Annotated[str, Field(max_length=20)] | None = None
    locations: Annotated[list[Code], Field(max_length=500)] | None = None
    shortage_policy: Annotated[str, Field(max_length=20)] | None = None
    payment_terms: Annotated[str, Field(max_length=20)] | None = None
    availability: AvailabilityIn | None = None
    active: bool | None = None


@router.post("", status_code=201)
def create_channel(body: ChannelIn, request: Request, response: Response,
                   principal: Principal = Depends(require("channels:write"))) -> dict[str, Any]:
    facts = ChannelFacts(**body.model_dump(exclude={"availability"}),
                         availability=AvailabilityRules(**body.availability.model_dump()))
    channel = service.create_channel(unit_of_work(request, principal), facts)
    response.headers["Location"] = f"/api/v1/channels/{channel['code']}"
    return channel


@router.get("")
def list_channels(db: Database = Depends(database),
                  principal: Principal = Depends(require("channels:read"))) -> dict[str, Any]:
    with db.reading() as connection:
        return {"items": queries.list_channels(connection, principal.channel_code),
                "next_cursor": None}


@router.get("/{code}")
def get_channel(code: str, db: Database = Depends(database),
                principal: Principal = Depends(require("channels:read"))) -> dict[str, Any]:
    principal.require_channel(code)
    with db.reading() as connection:
        channel = queries.get_channel(connection, code)
    if channel is None:
        raise NotFound(f"channel {code!r} not found")
    return channel


@router.patch("/{code}")
def update_channel(code: str, body: ChannelPatch, request: Request,
                   principal: Principal = Depends(require("channels:write"))) -> dict[str, Any]:
    changes = patch_changes(body)
    if "availability" in changes:
        changes["availability"] = body.availability.model_dump(  # type: ignore[union-attr]
            exclude_unset=True)
    return service.update_channel(unit_of_work(request, principal), code, changes)


@router.get("/{code}/availability")
def availability(code: str,
                 sku: Annotated[list[str] | None, Query(max_length=500)] = None,
                 db: Database = Depends(database),
                 principal: Principal = Depends(require("channels:read"))) -> dict[str, Any]:
    """Available-to-sell per sku, as this channel would publish it."""
    principal.require_channel(code)
    with db.reading() as connection:
        channel = repository.channel_by_code(connection, code)
        if channel is None:
            raise NotFound(f"channel {code!r} not found")
        items = queries.availability(connection, channel, sku)
    return {"channel": code, "items": items}
