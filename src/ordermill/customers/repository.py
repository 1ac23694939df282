"""Matching and saving customers; upserts so concurrent orders of one person meet in one row.

Every order passes here, so the statements are raw SQL written once (see db/raw.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from ordermill.customers.domain import address_fingerprint, normalise_email
from ordermill.db import raw
from ordermill.shared.address import Address

_CUSTOMER = raw.RawRows(
    "INSERT INTO customers (email_normalized, email, name, phone, created_at, updated_at) "
    "VALUES", "(:email_normalized, :email, :name, :phone, :now, :now)",
    "ON CONFLICT (email_normalized) DO UPDATE SET name = excluded.name, "
    "phone = excluded.phone, updated_at = excluded.updated_at RETURNING id")
_ADDRESSES = raw.RawRows(
    "INSERT INTO customer_addresses (customer_id, fingerprint, address, last_used_at) VALUES",
    "(:customer_id, :fingerprint, :address, :now)",
    "ON CONFLICT (customer_id, fingerprint) DO UPDATE SET "
    "last_used_at = excluded.last_used_at, address = excluded.address")
# On PostgreSQL a new order's chain of statements (orders/repository.py) starts with these
# parts; its later parts name the customer's id as CUSTOMER_ID.
CUSTOMER_ID = "(SELECT id FROM customer)"
CUSTOMER_PARTS = {"customer": _CUSTOMER, "addresses": _ADDRESSES.linked(customer_id=CUSTOMER_ID)}


@dataclass(frozen=True)
class CustomerRows:
    """A customer as an order names them, with the addresses it uses, ready to upsert."""

    customer: dict[str, Any]
    addresses: list[dict[str, Any]]


def customer_rows(*, email: str, name: str | None, phone: str | None,
                  addresses: Sequence[Address], now: datetime) -> CustomerRows:
    """Matched by email (normalised), created on first sight; the latest name and phone given
    win, and each address is kept once."""
    by_fingerprint = {address_fingerprint(a): a for a in addresses}
    return CustomerRows(
        {"email_normalized": normalise_email(email), "email": email.strip(), "name": name,
         "phone": phone, "now": now},
        [{"fingerprint": fingerprint, "address": a.as_dict(), "now": now}
         for fingerprint, a in by_fingerprint.items()])


def remember_customer(connection: Connection, rows: CustomerRows) -> int:
    """Upsert the customer and their addresses; the customer's id."""
    [(customer_id,)] = raw.run_rows(connection, _CUSTOMER, [rows.customer])
    raw.run_rows(connection, _ADDRESSES, [{**address, "customer_id": customer_id}
                                          for address in rows.addresses])
    return int(customer_id)
