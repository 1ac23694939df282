"""Every table of every feature on one MetaData: what migrations are written against."""

from __future__ import annotations

from ordermill.accounts import tables as accounts
from ordermill.catalog import tables as catalog
from ordermill.channels import tables as channels
from ordermill.customers import tables as customers
from ordermill.db import audit, idempotency, outbox
from ordermill.db.metadata import metadata
from ordermill.fulfillment import tables as fulfillment
from ordermill.inventory import tables as inventory
from ordermill.locations import tables as locations
from ordermill.orders import tables as orders
from ordermill.routing import tables as routing

FEATURE_TABLES = (accounts, audit, catalog, channels, customers, fulfillment, idempotency,
                  inventory, locations, orders, outbox, routing)

__all__ = ["FEATURE_TABLES", "metadata"]
