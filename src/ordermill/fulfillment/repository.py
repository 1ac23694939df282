"""Loading and saving location layouts and their bins."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.catalog.tables import products
from ordermill.fulfillment.tables import location_bins, location_layouts


def replace_layout(connection: Connection, location_id: int, layout: dict[str, Any],
                   bins: Sequence[dict[str, Any]]) -> None:
    """The location's layout and bins become exactly these."""
    connection.execute(location_bins.delete().where(location_bins.c.location_id == location_id))
    connection.execute(location_layouts.delete()
                       .where(location_layouts.c.location_id == location_id))
    connection.execute(location_layouts.insert().values(location_id=location_id, **layout))
    if bins:
        connection.execute(location_bins.insert(),
                           [{**row, "location_id": location_id} for row in bins])


def layout_row(connection: Connection, location_id: int) -> Any:
    return connection.execute(sa.select(location_layouts).where(
        location_layouts.c.location_id == location_id)).first()


def bin_rows(connection: Connection, location_id: int) -> list[Any]:
    return list(connection.execute(
        sa.select(location_bins.c.code, products.c.sku, location_bins.c.aisle,
                  location_bins.c.position_m)
        .join(products, products.c.id == location_bins.c.product_id)
        .where(location_bins.c.location_id == location_id)
        .order_by(location_bins.c.aisle, location_bins.c.position_m, location_bins.c.code,
                  products.c.sku)))


def bins_by_product(connection: Connection, location_id: int) -> list[Any]:
    return list(connection.execute(
        sa.select(location_bins.c.product_id, location_bins.c.code, location_bins.c.aisle,
                  location_bins.c.position_m)
        .where(location_bins.c.location_id == location_id)))
