"""Fulfillment order endpoints: each location's work queue, one fulfillment order, and a
location rejecting one (the order is routed again without it)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import Field

from ordermill.accounts.domain import Principal
from ordermill.api import pagination
from ordermill.api.auth import database, require, scope_of, unit_of_work
from ordermill.api.schemas import Strict
from ordermill.db.engine import Database
from ordermill.fulfillment import service
from ordermill.fulfillment.work_queue import (
    QueuePosition,
    get_fulfillment_order,
    list_fulfillment_orders,
)
from ordermill.shared.errors import NotFound, ValidationFailed

router = APIRouter(prefix="/fulfillment-orders", tags=["fulfillment"])
Id = Annotated[int, Path(ge=1, le=2**62)]
Status = Literal["open", "in_progress", "picked", "packed", "shipped", "on_hold", "cancelled",
                 "rejected"]


class RejectionIn(Strict):
    reason: Annotated[str, Field(min_length=1, max_length=500)]


def _cursor(position: QueuePosition | None) -> str | None:
    """The queue's sort key of the page's last row, opaque to the caller."""
    if position is None:
        return None
    text = f"q1|{position.priority}|{position.ship_by.isoformat()}|{position.id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _position(cursor: str | None) -> QueuePosition | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, priority, moment, id_ = text.split("|")
        ship_by = datetime.fromisoformat(moment)
        position = QueuePosition(int(priority), ship_by, int(id_))
        if version != "q1" or ship_by.tzinfo is None or not 0 < position.id <= 2**62 \
                or not 0 < position.priority < 100:
            raise ValueError(version)
        return position
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ValidationFailed.on("cursor", "not a cursor this API gave out") from error


@router.get("")
def list_queue(location: Annotated[str | None, Query(max_length=32)] = None,
               status: Annotated[list[Status] | None, Query()] = None,
               order_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
               limit: pagination.Limit = 50, cursor: pagination.Cursor = None,
               db: Database = Depends(database),
               principal: Principal = Depends(require("fulfillment:read"))) -> dict[str, Any]:
    """Most urgent first: priority, then the earliest ship-by, then age. Without `status`,
    what the location still owes (open, in progress, picked, packed, on hold)."""
    with db.reading() as connection:
        items, position = list_fulfillment_orders(
            connection, location=location, statuses=status, order_id=order_id,
            location_scope=scope_of(principal), after=_position(cursor), limit=limit)
    return {"items": items, "next_cursor": _cursor(position)}


@router.get("/{fulfillment_order_id}")
def get_one(fulfillment_order_id: Id, db: Database = Depends(database),
            principal: Principal = Depends(require("fulfillment:read"))) -> dict[str, Any]:
    with db.reading() as connection:
        found = get_fulfillment_order(connection, fulfillment_order_id, scope_of(principal))
    if found is None:
        raise NotFound(f"fulfillment order {fulfillment_order_id} not found")
    return found


@router.post("/{fulfillment_order_id}/reject")
def reject(fulfillment_order_id: Id, body: RejectionIn, request: Request,
           principal: Principal = Depends(require("fulfillment:write"))) -> dict[str, Any]:
    """The location will not ship it: its units are released and the order is routed again
    without that location."""
    return service.reject_fulfillment_order(unit_of_work(request, principal),
                                            fulfillment_order_id, body.reason,
                                            scope_of(principal))

