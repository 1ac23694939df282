"""Reactions to stock moves: keep what every channel would publish up to date.

Idempotent: recomputing a listing from current stock gives the same answer however often
the event is delivered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from ordermill.catalog import repository as catalog
from ordermill.channels import repository
from ordermill.channels.queries import availability
from ordermill.locations import repository as locations
from ordermill.shared.clock import utcnow


def refresh_listings(connection: Connection, _event_id: int, payload: dict[str, Any]) -> None:
    """On `inventory.changed`: recompute the sku (and kits built from it) on every channel
    that the location serves."""
    product = catalog.product_by_sku(connection, payload["sku"])
    location = locations.location_by_code(connection, payload["location"])
    if product is None or location is None:
        return
    skus = [product.sku, *catalog.kit_skus_containing(connection, product.id)]
    products = catalog.products_by_sku(connection, skus)
    for channel in repository.channels_served_by(connection, location.id):
        for item in availability(connection, channel, skus):
            product_id = products[item["sku"]].id
            if repository.listing(connection, channel.id, product_id) != item["available_to_sell"]:
                repository.upsert_listing(connection, {
                    "channel_id": channel.id, "product_id": product_id,
                    "available_to_sell": item["available_to_sell"], "changed_at": utcnow()})
