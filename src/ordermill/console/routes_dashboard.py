"""The console's first page: today's orders, orders by status, low stock and recent orders."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from ordermill.accounts.service import ConsoleSession
from ordermill.console.pages import render
from ordermill.console.session import database, scope_of, signed_in
from ordermill.inventory import queries as inventory
from ordermill.locations import queries as locations
from ordermill.orders import queries as orders
from ordermill.orders.domain import OrderStatus
from ordermill.shared.clock import utcnow

router = APIRouter(prefix="/console", include_in_schema=False)
RECENT_ORDERS = 8


def _start_of_today() -> datetime:
    return datetime.combine(utcnow().date(), time.min, tzinfo=UTC)


@router.get("/")
def dashboard(request: Request, session: ConsoleSession = Depends(signed_in)) -> Response:
    principal = session.principal
    scope = scope_of(principal)
    context: dict[str, Any] = {"statuses": list(OrderStatus),
                                  "today": _start_of_today().date().isoformat()}
    with database(request).reading() as connection:
        if scope is not None:
            context["my_locations"] = locations.list_locations(connection, only_ids=scope)
        if principal.can("orders:read"):
            today = orders.orders_by_status(connection, since=_start_of_today(),
                                            location_scope=scope)
            context["orders_today"] = sum(today.values())
            context["by_status"] = orders.orders_by_status(connection, location_scope=scope)
            context["recent"] = orders.list_orders(connection, location_scope=scope,
                                                   limit=RECENT_ORDERS)[0]
        if principal.can("inventory:read"):
            context["low_stock"] = inventory.low_stock_count(connection, scope)
            context["alerts"] = inventory.open_alerts(connection, scope, limit=10)
    return render(request, "dashboard.html", session, **context)
