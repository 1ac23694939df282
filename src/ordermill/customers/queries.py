"""Read side of customers."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.customers.domain import normalise_email
from ordermill.customers.tables import customer_addresses, customers
from ordermill.shared.clock import rfc3339


def customer_view(row: Any) -> dict[str, Any]:
    return {"id": row.id, "email": row.email, "name": row.name, "phone": row.phone,
            "created_at": rfc3339(row.created_at), "updated_at": rfc3339(row.updated_at)}


def get_customer(connection: Connection, customer_id: int) -> dict[str, Any] | None:
    row = connection.execute(sa.select(customers).where(customers.c.id == customer_id)).first()
    if row is None:
        return None
    addresses = connection.execute(
        sa.select(customer_addresses.c.address, customer_addresses.c.last_used_at)
        .where(customer_addresses.c.customer_id == customer_id)
        .order_by(customer_addresses.c.last_used_at.desc()))
    return {**customer_view(row), "addresses": [a.address for a in addresses]}


def list_customers(connection: Connection, *, email: str | None = None,
                   search: str | None = None, after_id: int | None = None,
                   limit: int = 50) -> tuple[list[dict[str, Any]], int | None]:
    query = sa.select(customers).order_by(customers.c.id).limit(limit + 1)
    if email is not None:
        query = query.where(customers.c.email_normalized == normalise_email(email))
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(sa.or_(customers.c.email_normalized.like(pattern),
                                   sa.func.lower(customers.c.name).like(pattern)))
    if after_id is not None:
        query = query.where(customers.c.id > after_id)
    rows = list(connection.execute(query))
    page = rows[:limit]
    return [customer_view(r) for r in page], (page[-1].id if len(rows) > limit else None)
