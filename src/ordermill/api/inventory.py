"""Inventory endpoints: levels, receipts, adjustments, counts, transfers, policy, ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field

from ordermill.accounts.domain import Principal
from ordermill.api import pagination
from ordermill.api.auth import database, require, scope_of, unit_of_work
from ordermill.api.schemas import Code, Quantity, Sku, Strict
from ordermill.db.engine import Database
from ordermill.inventory import queries, service

router = APIRouter(prefix="/inventory", tags=["inventory"])
Reason = Annotated[str, Field(max_length=200)]
NonNegative = Annotated[int, Field(ge=0, le=1_000_000_000)]


class MovementIn(Strict):
    sku: Sku
    location: Code
    quantity: Quantity
    reason: Reason | None = None
    reference: Annotated[str, Field(max_length=80)] | None = None


class AdjustmentIn(Strict):
    sku: Sku
    location: Code
    quantity: Annotated[int, Field(ge=-1_000_000_000, le=1_000_000_000,
                                   description="positive adds units, negative removes them")]
    reason: Reason


class CountIn(Strict):
    sku: Sku
    location: Code
    quantity: NonNegative
    reason: Reason | None = None


class TransferIn(Strict):
    sku: Sku
    from_location: Code
    to_location: Code
    quantity: Quantity
    reason: Reason | None = None


class PolicyIn(Strict):
    safety_stock: NonNegative | None = None
    reorder_point: NonNegative | None = None


@router.get("")
def list_levels(sku: str | None = None, location: str | None = None, low: bool = False,
                limit: pagination.Limit = 50, cursor: pagination.Cursor = None,
                db: Database = Depends(database),
                principal: Principal = Depends(require("inventory:read"))) -> dict[str, Any]:
    with db.reading() as connection:
        items, position = queries.list_levels(
            connection, sku=sku, location=location, low_only=low,
            location_scope=scope_of(principal), after_id=pagination.decode(cursor), limit=limit)
    return pagination.page(items, position)


@router.post("/receipts", status_code=201)
def receive(body: MovementIn, request: Request,
            principal: Principal = Depends(require("inventory:write"))) -> dict[str, Any]:
    return service.receive_stock(unit_of_work(request, principal), **body.model_dump(),
                                 scope=scope_of(principal))


@router.post("/adjustments", status_code=201)
def adjust(body: AdjustmentIn, request: Request,
           principal: Principal = Depends(require("inventory:write"))) -> dict[str, Any]:
    return service.adjust_stock(unit_of_work(request, principal), **body.model_dump(),
                                scope=scope_of(principal))


@router.post("/counts", status_code=201)
def count(body: CountIn, request: Request,
          principal: Principal = Depends(require("inventory:write"))) -> dict[str, Any]:
    return service.count_stock(unit_of_work(request, principal), **body.model_dump(),
                               scope=scope_of(principal))


@router.post("/transfers", status_code=201)
def transfer(body: TransferIn, request: Request,
             principal: Principal = Depends(require("inventory:write"))) -> dict[str, Any]:
    return service.transfer_stock(unit_of_work(request, principal), **body.model_dump(),
                                  scope=scope_of(principal))


@router.patch("/{sku}/{location}")
def set_policy(sku: str, location: str, body: PolicyIn, request: Request,
               principal: Principal = Depends(require("inventory:write"))) -> dict[str, Any]:
    """Set the safety stock and/or reorder point of one sku at one location."""
    return service.set_stock_policy(unit_of_work(request, principal), sku=sku, location=location,
                                    **body.model_dump(), scope=scope_of(principal))


@router.get("/ledger")
def ledger(sku: str | None = None, location: str | None = None,
           since: Annotated[datetime | None, Query(description="RFC 3339, inclusive")] = None,
           until: Annotated[datetime | None, Query(description="RFC 3339, exclusive")] = None,
           limit: pagination.Limit = 50, cursor: pagination.Cursor = None,
           db: Database = Depends(database),
           principal: Principal = Depends(require("inventory:read"))) -> dict[str, Any]:
    with db.reading() as connection:
        items, position = queries.list_ledger(
            connection, sku=sku, location=location, since=since, until=until,
            location_scope=scope_of(principal), before_id=pagination.decode(cursor),
            limit=limit)
    return pagination.page(items, position)
