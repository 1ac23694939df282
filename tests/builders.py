"""Small helpers that set up the world a test needs through the real use cases."""

from __future__ import annotations

from typing import Any

from ordermill.catalog.domain import KitComponent, ProductFacts
from ordermill.catalog.service import create_product
from ordermill.channels.domain import AvailabilityRules, ChannelFacts
from ordermill.channels.service import create_channel
from ordermill.db.engine import Database
from ordermill.db.uow import UnitOfWork
from ordermill.inventory.service import receive_stock
from ordermill.locations.domain import LocationFacts
from ordermill.locations.service import create_location
from ordermill.orders.domain import LineInput, OrderInput
from ordermill.shared.address import Address
from ordermill.shared.events import Actor

TESTER = Actor("user", 1, "tester@example.com")


def uow(database: Database) -> UnitOfWork:
    return UnitOfWork(database, TESTER)


def address(country: str = "US") -> Address:
    return Address(name="Ada Buyer", line1="1 Main St", city="Springfield",
                   postal_code="12345", country=country)


def product(database: Database, sku: str, *, components: dict[str, int] | None = None,
            **facts: Any) -> dict[str, Any]:
    parts = [KitComponent(s, q) for s, q in (components or {}).items()]
    return create_product(uow(database), ProductFacts(sku=sku, name=facts.pop("name", sku),
                                                      components=parts, **facts))


def location(database: Database, code: str, *, priority: int = 100,
             **facts: Any) -> dict[str, Any]:
    return create_location(uow(database), LocationFacts(
        code=code, name=facts.pop("name", code), address=address(), priority=priority, **facts))


def channel(database: Database, code: str, locations: list[str], *,
            shortage_policy: str = "reject", **rules: Any) -> dict[str, Any]:
    return create_channel(uow(database), ChannelFacts(
        code=code, name=code, kind="web", locations=locations, shortage_policy=shortage_policy,
        availability=AvailabilityRules(**rules)))


def stock(database: Database, sku: str, location_code: str, quantity: int) -> dict[str, Any]:
    return receive_stock(uow(database), sku=sku, location=location_code, quantity=quantity)


def order_input(channel_code: str, external_id: str, lines: dict[str, int], *,
                unit_price: int = 1000, email: str = "ada@example.com",
                **fields: Any) -> OrderInput:
    """An order as a channel sends it; `fields` sets any other OrderInput field."""
    return OrderInput(channel=channel_code, external_id=external_id, currency="USD",
                      email=email, customer_name="Ada Buyer",
                      lines=[LineInput(sku, quantity, unit_price)
                             for sku, quantity in lines.items()],
                      shipping_address=fields.pop("shipping_address", address()), **fields)


def order_body(channel_code: str, external_id: str, lines: dict[str, int], *,
               unit_price: int = 1000, email: str = "ada@example.com") -> dict[str, Any]:
    """The JSON a channel posts to /api/v1/orders."""
    return {"channel": channel_code, "external_id": external_id, "currency": "USD",
            "customer": {"email": email, "name": "Ada Buyer"},
            "shipping_address": {"name": "Ada Buyer", "line1": "1 Main St",
                                 "city": "Springfield", "postal_code": "12345",
                                 "country": "US"},
            "lines": [{"sku": sku, "quantity": quantity, "unit_price": unit_price}
                      for sku, quantity in lines.items()]}
