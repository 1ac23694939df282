"""Matching and saving customers; upserts so concurrent orders of one person meet in one row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ordermill.customers.domain import address_fingerprint, normalise_email
from ordermill.customers.tables import customer_addresses, customers
from ordermill.shared.address import Address


def _insert(connection: Connection, table: Any) -> Any:
    return (postgresql.insert(table) if connection.dialect.name == "postgresql"
            else sqlite.insert(table))


def match_customer(connection: Connection, *, email: str, name: str | None,
                   phone: str | None, now: datetime) -> int:
    """The customer with this email (normalised), created on first sight; the latest name
    and phone given win."""
    statement = _insert(connection, customers).values(
        email_normalized=normalise_email(email), email=email.strip(), name=name, phone=phone,
        created_at=now, updated_at=now)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=["email_normalized"],
        set_={"name": excluded.name, "phone": excluded.phone, "updated_at": excluded.updated_at})
    return int(connection.execute(statement.returning(customers.c.id)).scalar_one())


def remember_addresses(connection: Connection, customer_id: int,
                       addresses: Sequence[Address], now: datetime) -> None:
    rows = {address_fingerprint(a): a for a in addresses}
    statement = _insert(connection, customer_addresses)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["customer_id", "fingerprint"],
        set_={"last_used_at": statement.excluded.last_used_at,
              "address": statement.excluded.address}),
        [{"customer_id": customer_id, "fingerprint": f, "address": a.as_dict(),
          "last_used_at": now} for f, a in rows.items()])
