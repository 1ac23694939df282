"""Customer endpoints: customers matched across channels, with their orders."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from ordermill.accounts.domain import Principal
from ordermill.api import pagination
from ordermill.api.auth import database, require
from ordermill.customers import queries
from ordermill.db.engine import Database
from ordermill.orders.queries import list_orders
from ordermill.shared.errors import NotFound

router = APIRouter(prefix="/customers", tags=["customers"])


@router.get("")
def list_customers(email: Annotated[str | None, Query(max_length=320)] = None,
                   q: Annotated[str | None, Query(max_length=100)] = None,
                   limit: pagination.Limit = 50, cursor: pagination.Cursor = None,
                   db: Database = Depends(database),
                   _: Principal = Depends(require("customers:read"))) -> dict[str, Any]:
    with db.reading() as connection:
        items, position = queries.list_customers(
            connection, email=email, search=q, after_id=pagination.decode(cursor), limit=limit)
    return pagination.page(items, position)


@router.get("/{customer_id}")
def get_customer(customer_id: Annotated[int, Path(ge=1, le=2**62)],
                 db: Database = Depends(database),
                 _: Principal = Depends(require("customers:read"))) -> dict[str, Any]:
    with db.reading() as connection:
        customer = queries.get_customer(connection, customer_id)
        if customer is None:
            raise NotFound(f"customer {customer_id} not found")
        orders, _position = list_orders(connection, customer_id=customer_id, limit=100)
    return {**customer, "orders": orders}
