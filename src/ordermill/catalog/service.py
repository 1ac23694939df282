"""Use cases for the catalog: create, change and deactivate products and kits."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ordermill.catalog import repository
from ordermill.catalog.domain import KitComponent, ProductFacts, validate_product
from ordermill.catalog.queries import get_product
from ordermill.db.uow import UnitOfWork
from ordermill.shared.clock import utcnow
from ordermill.shared.errors import Conflict, ErrorCollector, NotFound, ValidationFailed
from ordermill.shared.events import AuditEntry, Event

_COLUMNS = ("sku", "name", "gtin", "weight_grams", "length_mm", "width_mm", "height_mm",
            "default_price", "currency", "ships", "active")


def _resolve_components(connection: Connection, components: list[KitComponent],
                        errors: ErrorCollector) -> list[tuple[int, KitComponent]]:
    found = repository.products_by_sku(connection, [c.sku for c in components])
    resolved = []
    for index, component in enumerate(components):
        row = found.get(component.sku)
        if row is None:
            errors.add(f"components.{index}.sku", f"unknown sku {component.sku!r}")
        elif row.is_kit:
            errors.add(f"components.{index}.sku", "a kit component must be a simple product")
        else:
            resolved.append((row.id, component))
    return resolved


def create_product(uow: UnitOfWork, facts: ProductFacts) -> dict[str, Any]:
    with uow:
        errors = ErrorCollector()
        validate_product(facts, errors)
        components = _resolve_components(uow.connection, facts.components, errors)
        errors.raise_if_any()
        now = utcnow()
        values = {name: getattr(facts, name) for name in _COLUMNS}
        values.update(is_kit=bool(facts.components), created_at=now, updated_at=now)
        try:
            product_id = repository.insert_product(uow.connection, values)
        except IntegrityError as error:
            raise Conflict(f"a product with sku {facts.sku!r} already exists") from error
        repository.replace_components(uow.connection, product_id, components)
        view = get_product(uow.connection, facts.sku)
        uow.publish(Event("product.created", {"sku": facts.sku}))
        uow.record(AuditEntry("product.created", "product", facts.sku, after=view))
        uow.commit()
        assert view is not None
        return view


def update_product(uow: UnitOfWork, sku: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply a partial change; `active: false` deactivates (the sku can no longer be sold)."""
    with uow:
        row = repository.product_by_sku(uow.connection, sku)
        if row is None:
            raise NotFound(f"product {sku!r} not found")
        before = get_product(uow.connection, sku)
        assert before is not None
        unknown = set(changes) - set(_COLUMNS) - {"components"}
        if "sku" in changes and changes["sku"] != sku:
            raise ValidationFailed.on("sku", "a sku cannot be renamed; create a new product")
        if unknown:
            raise ValidationFailed.on(sorted(unknown)[0], "not a product field")
        components = [KitComponent(**c) for c in changes.get("components", before["components"])]
        if "components" in changes and not row.is_kit:
            raise ValidationFailed.on("components", "only kits have components")
        if "components" in changes and not components:
            raise ValidationFailed.on("components", "a kit needs at least one component")
        current = ProductFacts(**{k: before[k] for k in _COLUMNS}, components=components)
        facts = replace(current, **{k: v for k, v in changes.items() if k != "components"},
                        components=components)
        errors = ErrorCollector()
        validate_product(facts, errors)
        resolved = _resolve_components(uow.connection, facts.components, errors)
        errors.raise_if_any()
        values = {k: v for k, v in asdict(facts).items() if k in _COLUMNS and k != "sku"}
        repository.update_product(uow.connection, row.id, {**values, "updated_at": utcnow()})
        if "components" in changes:
            repository.replace_components(uow.connection, row.id, resolved)
        after = get_product(uow.connection, sku)
        assert after is not None
        uow.publish(Event("product.updated", {"sku": sku}))
        uow.record(AuditEntry("product.updated", "product", sku, before=before, after=after))
        uow.commit()
        return after
