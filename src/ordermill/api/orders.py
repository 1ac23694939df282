"""Order endpoints: intake from every channel, search, holds, cancellation, timeline."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import AwareDatetime, Field

from ordermill.accounts.domain import Principal
from ordermill.api import pagination
from ordermill.api.auth import database, require, scope_of, unit_of_work
from ordermill.api.schemas import AddressIn, Amount, Code, Sku, Strict
from ordermill.db.engine import Database
from ordermill.orders import queries, service
from ordermill.orders.domain import LineInput, OrderInput, Priority, parse_order_number
from ordermill.orders.intake import place_order
from ordermill.routing.queries import order_routing
from ordermill.shared.errors import NotFound

router = APIRouter(prefix="/orders", tags=["orders"])
Id = Annotated[int, Path(ge=1, le=2**62)]


class CustomerIn(Strict):
    email: Annotated[str, Field(min_length=3, max_length=320)]
    name: Annotated[str, Field(max_length=200)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None


class LineIn(Strict):
    sku: Sku
    quantity: Annotated[int, Field(ge=1, le=100_000)]
    unit_price: Amount
    discount: Amount = 0
    tax: Amount = 0


class OrderIn(Strict):
    channel: Code
    external_id: Annotated[str, Field(min_length=1, max_length=100)]
    currency: Annotated[str, Field(min_length=3, max_length=3)]
    customer: CustomerIn
    shipping_address: AddressIn
    billing_address: AddressIn | None = None
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=250)]
    shipping_price: Amount = 0
    payment_status: Literal["unpaid", "authorized", "paid"] = "unpaid"
    payment_terms: Annotated[str, Field(max_length=20)] | None = None
    notes: Annotated[str, Field(max_length=5000)] | None = None
    tags: Annotated[list[Annotated[str, Field(min_length=1, max_length=50)]],
                    Field(max_length=50)] = []
    total: Amount | None = Field(None, description="if given, must equal the computed total")
    # Lax for this field only: JSON has no datetime type, so strict mode would refuse every
    # RFC 3339 string; an offset is required so no one's local time is mistaken for UTC.
    placed_at: Annotated[AwareDatetime, Field(strict=False)] | None = None
    priority: Literal["urgent", "high", "normal", "low"] = "normal"
    ship_by: Annotated[AwareDatetime, Field(
        strict=False, description="promised; else each location's next cut-off")] | None = None

    def to_domain(self) -> OrderInput:
        return OrderInput(
            channel=self.channel, external_id=self.external_id, currency=self.currency,
            email=self.customer.email, customer_name=self.customer.name,
            customer_phone=self.customer.phone,
            lines=[LineInput(**line.model_dump()) for line in self.lines],
            shipping_address=self.shipping_address.to_domain(),
            billing_address=self.billing_address.to_domain() if self.billing_address else None,
            shipping_price=self.shipping_price, payment_status=self.payment_status,
            payment_terms=self.payment_terms, notes=self.notes, tags=self.tags,
            expected_total=self.total, placed_at=self.placed_at,
            priority=Priority[self.priority.upper()], ship_by=self.ship_by)


class LineCancellationIn(Strict):
    """A line named by its id, or by its sku when the sku is on one line only."""

    line_id: Annotated[int, Field(ge=1, le=2**62)] | None = None
    sku: Sku | None = None
    quantity: Annotated[int, Field(ge=1, le=100_000)] | None = None


class CancelIn(Strict):
    lines: Annotated[list[LineCancellationIn], Field(min_length=1, max_length=250)] | None = None
    reason: Annotated[str, Field(max_length=500)] | None = None


class HoldIn(Strict):
    reason: Literal["manual", "payment", "address", "fraud_review"]
    note: Annotated[str, Field(max_length=1000)] | None = None


def _visible(db: Database, principal: Principal, order_id: int) -> None:
    """404 unless the caller may see this order: its channel's key, or its location's team."""
    with db.reading() as connection:
        found = queries.list_orders(connection, number=order_id,
                                    channel_id=principal.channel_id,
                                    location_scope=scope_of(principal), limit=1)[0]
    if not found:
        raise NotFound(f"order {order_id} not found")


@router.post("", status_code=201, response_model=dict[str, Any],
             responses={200: {"description": "the order this channel order already created"}})
def create_order(body: OrderIn, request: Request,
                 principal: Principal = Depends(require("orders:create"))) -> Response:
    """Take an order from a channel; the same channel + external_id again answers 200 with
    the order first created."""
    principal.require_channel(body.channel)
    placed = place_order(unit_of_work(request, principal), body.to_domain())
    # The view holds only JSON types already; encoding it once here spares the hot path a
    # second walk through response validation.
    return Response(json.dumps(placed.order, separators=(",", ":")).encode(),
                    status_code=201 if placed.created else 200, media_type="application/json",
                    headers={"Location": f"/api/v1/orders/{placed.order['id']}"})


@router.get("")
def list_orders(status: str | None = None, channel: str | None = None,
                email: Annotated[str | None, Query(max_length=320)] = None,
                sku: str | None = None,
                customer_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
                number: Annotated[str | None, Query(max_length=20)] = None,
                placed_from: datetime | None = None, placed_to: datetime | None = None,
                limit: pagination.Limit = 50, cursor: pagination.Cursor = None,
                db: Database = Depends(database),
                principal: Principal = Depends(require("orders:read"))) -> dict[str, Any]:
    order_id = parse_order_number(number) if number else None
    if number and order_id is None:
        return pagination.page([], None)
    with db.reading() as connection:
        items, position = queries.list_orders(
            connection, status=status, channel=channel, channel_id=principal.channel_id,
            email=email, customer_id=customer_id, sku=sku, placed_from=placed_from,
            placed_to=placed_to, number=order_id, location_scope=scope_of(principal),
            before_id=pagination.decode(cursor), limit=limit)
    return pagination.page(items, position)


@router.get("/{order_id}")
def get_order(order_id: Id, db: Database = Depends(database),
              principal: Principal = Depends(require("orders:read"))) -> dict[str, Any]:
    _visible(db, principal, order_id)
    with db.reading() as connection:
        order = queries.get_order(connection, order_id, principal.channel_id)
    if order is None:
        raise NotFound(f"order {order_id} not found")
    return order


@router.get("/{order_id}/events")
def order_events(order_id: Id, db: Database = Depends(database),
                 principal: Principal = Depends(require("orders:read"))) -> dict[str, Any]:
    _visible(db, principal, order_id)
    with db.reading() as connection:
        return {"items": queries.order_timeline(connection, order_id), "next_cursor": None}


@router.post("/{order_id}/cancel")
def cancel_order(order_id: Id, request: Request, body: CancelIn | None = None,
                 principal: Principal = Depends(require("orders:write"))) -> dict[str, Any]:
    body = body or CancelIn()
    lines = None if body.lines is None else [
        service.LineCancellation(line.line_id, line.quantity, line.sku) for line in body.lines]
    return service.cancel_order(unit_of_work(request, principal), order_id=order_id,
                                lines=lines, reason=body.reason,
                                channel_id=principal.channel_id)


@router.post("/{order_id}/holds", status_code=201)
def place_hold(order_id: Id, body: HoldIn, request: Request,
               principal: Principal = Depends(require("orders:write"))) -> dict[str, Any]:
    return service.place_hold(unit_of_work(request, principal), order_id=order_id,
                              reason=body.reason, note=body.note,
                              channel_id=principal.channel_id)


@router.post("/{order_id}/holds/{hold_id}/release")
def release_hold(order_id: Id, hold_id: Id, request: Request,
                 principal: Principal = Depends(require("orders:write"))) -> dict[str, Any]:
    return service.release_hold(unit_of_work(request, principal), order_id=order_id,
                                hold_id=hold_id, channel_id=principal.channel_id)


@router.get("/{order_id}/routing")
def get_routing(order_id: Id, db: Database = Depends(database),
                principal: Principal = Depends(require("orders:read"))) -> dict[str, Any]:
    """Every routing decision for the order: the locations weighed, their score per
    criterion, the winners and why."""
    _visible(db, principal, order_id)
    with db.reading() as connection:
        return order_routing(connection, order_id)
