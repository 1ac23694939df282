"""Matching and saving customers; upserts so concurrent orders of one person meet in one row.

Every order passes here, so the statements are raw SQL written once (see db/raw.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

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
# On PostgreSQL both upserts go as one statement, the addresses taking the customer's id
# from the first: one round trip fewer for every order.
_CUSTOMER_AND_ADDRESSES = raw.RawChain(
    {"customer": _CUSTOMER,
     "addresses": _ADDRESSES.linked(customer_id="(SELECT id FROM customer)")},
    result="SELECT id FROM customer")


def remember_customer(connection: Connection, *, email: str, name: str | None,
                      phone: str | None, addresses: Sequence[Address], now: datetime) -> int:
    """The customer with this email (normalised), created on first sight, with the
    addresses used; the latest name and phone given win."""
    customer = {"email_normalized": normalise_email(email), "email": email.strip(),
                "name": name, "phone": phone, "now": now}
    by_fingerprint = {address_fingerprint(a): a for a in addresses}
    used = [{"fingerprint": fingerprint, "address": a.as_dict(), "now": now}
            for fingerprint, a in by_fingerprint.items()]
    if connection.dialect.name == "postgresql":
        [(customer_id,)] = raw.run_chain(connection, _CUSTOMER_AND_ADDRESSES, [[customer], used])
        return int(customer_id)
    [(customer_id,)] = raw.run_rows(connection, _CUSTOMER, [customer])
    raw.run_rows(connection, _ADDRESSES, [{**address, "customer_id": customer_id}
                                          for address in used])
    return int(customer_id)
