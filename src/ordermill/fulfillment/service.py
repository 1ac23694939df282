"""Use cases of the warehouse floor. One transaction each."""

from __future__ import annotations

from typing import Any

from ordermill.catalog.repository import products_by_sku
from ordermill.db.uow import UnitOfWork
from ordermill.fulfillment import repository
from ordermill.fulfillment.domain import LayoutFacts, validate_layout
from ordermill.fulfillment.queries import get_layout
from ordermill.locations.repository import location_by_code
from ordermill.shared.clock import utcnow
from ordermill.shared.errors import ErrorCollector, NotFound
from ordermill.shared.events import AuditEntry, Event


def set_layout(uow: UnitOfWork, location: str, facts: LayoutFacts) -> dict[str, Any]:
    """Replace the location's floor plan and bins as a whole."""
    with uow:
        place = location_by_code(uow.connection, location)
        if place is None:
            raise NotFound(f"location {location!r} not found")
        errors = ErrorCollector()
        validate_layout(facts, errors)
        known = products_by_sku(uow.connection, {b.sku for b in facts.bins})
        for index, bin_ in enumerate(facts.bins):
            if bin_.sku not in known:
                errors.add(f"bins.{index}.sku", f"unknown sku {bin_.sku!r}")
        errors.raise_if_any()
        before = get_layout(uow.connection, location)
        repository.replace_layout(uow.connection, place.id, {
            "aisle_count": facts.aisle_count, "aisle_length_m": facts.aisle_length_m,
            "aisle_spacing_m": facts.aisle_spacing_m,
            "cross_aisle_count": facts.cross_aisle_count, "depot_aisle": facts.depot.aisle,
            "depot_position_m": facts.depot.position_m, "updated_at": utcnow()},
            [{"product_id": known[b.sku].id, "code": b.code, "aisle": b.aisle,
              "position_m": b.position_m} for b in facts.bins])
        view = get_layout(uow.connection, location)
        assert view is not None
        uow.publish(Event("location.layout_changed", {"location": location,
                                                      "bins": len(facts.bins)}))
        uow.record(AuditEntry("location.layout_set", "location", location,
                              before=_summary(before), after=_summary(view)))
        uow.commit()
        return view


def _summary(layout: dict[str, Any] | None) -> dict[str, Any] | None:
    """The layout without its bins, which may be thousands: the audit log keeps their count."""
    if layout is None:
        return None
    return {**{k: v for k, v in layout.items() if k != "bins"}, "bins": len(layout["bins"])}
