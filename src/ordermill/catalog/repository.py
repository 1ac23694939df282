"""Loading and saving products and kit components."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.catalog.domain import KitComponent
from ordermill.catalog.tables import kit_components, products


def product_by_sku(connection: Connection, sku: str) -> Any:
    return connection.execute(sa.select(products).where(products.c.sku == sku)).first()


def products_by_sku(connection: Connection, skus: Iterable[str]) -> dict[str, Any]:
    skus = list(set(skus))
    if not skus:
        return {}
    rows = connection.execute(sa.select(products).where(products.c.sku.in_(skus)))
    return {row.sku: row for row in rows}


def components_of(connection: Connection, kit_ids: Iterable[int]) -> dict[int, list[Any]]:
    """Kit id -> its components (component_id, sku, quantity)."""
    kit_ids = list(set(kit_ids))
    found: dict[int, list[Any]] = {kit_id: [] for kit_id in kit_ids}
    if not kit_ids:
        return found
    rows = connection.execute(
        sa.select(kit_components.c.kit_id, kit_components.c.component_id,
                  kit_components.c.quantity, products.c.sku)
        .join(products, products.c.id == kit_components.c.component_id)
        .where(kit_components.c.kit_id.in_(kit_ids))
        .order_by(kit_components.c.kit_id, products.c.sku))
    for row in rows:
        found[row.kit_id].append(row)
    return found


def insert_product(connection: Connection, values: dict[str, Any]) -> int:
    return int(connection.execute(products.insert().values(**values)
                                  .returning(products.c.id)).scalar_one())


def update_product(connection: Connection, product_id: int, values: dict[str, Any]) -> None:
    connection.execute(products.update().where(products.c.id == product_id).values(**values))


def replace_components(connection: Connection, kit_id: int,
                       components: list[tuple[int, KitComponent]]) -> None:
    connection.execute(kit_components.delete().where(kit_components.c.kit_id == kit_id))
    if components:
        connection.execute(kit_components.insert(), [
            {"kit_id": kit_id, "component_id": component_id, "quantity": c.quantity}
            for component_id, c in components])


def kit_skus_containing(connection: Connection, component_id: int) -> list[str]:
    return list(connection.execute(
        sa.select(products.c.sku)
        .join(kit_components, kit_components.c.kit_id == products.c.id)
        .where(kit_components.c.component_id == component_id)).scalars())


def skus_by_id(connection: Connection, product_ids: Iterable[int]) -> dict[int, str]:
    rows = connection.execute(sa.select(products.c.id, products.c.sku)
                              .where(products.c.id.in_(list(product_ids))))
    return {row.id: row.sku for row in rows}
