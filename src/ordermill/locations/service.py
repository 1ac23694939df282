"""Use cases for locations: open, change and close (deactivate) them."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from sqlalchemy.exc import IntegrityError

from ordermill.db.uow import UnitOfWork
from ordermill.locations import repository
from ordermill.locations.domain import LocationFacts, shipping_rates, validate_location
from ordermill.locations.queries import get_location
from ordermill.shared.address import Address
from ordermill.shared.clock import utcnow
from ordermill.shared.errors import Conflict, ErrorCollector, NotFound, ValidationFailed
from ordermill.shared.events import AuditEntry, Event

_FIELDS = ("name", "kind", "address", "latitude", "longitude", "ships", "pickup", "priority",
           "active", "notification_email", "daily_order_limit", "cutoff_time", "timezone",
           "ships_to", "shipping_rates")


def _values(facts: LocationFacts) -> dict[str, Any]:
    values = {name: getattr(facts, name) for name in _FIELDS}
    values["address"] = facts.address.as_dict()
    values["country"] = facts.address.country
    values["kind"] = str(facts.kind)
    values["shipping_rates"] = None if facts.shipping_rates is None else asdict(
        facts.shipping_rates)
    return values


def create_location(uow: UnitOfWork, facts: LocationFacts) -> dict[str, Any]:
    facts = replace(facts, shipping_rates=shipping_rates(facts.shipping_rates))
    with uow:
        errors = ErrorCollector()
        validate_location(facts, errors)
        errors.raise_if_any()
        now = utcnow()
        try:
            repository.insert_location(uow.connection, {
                "code": facts.code, **_values(facts), "created_at": now, "updated_at": now})
        except IntegrityError as error:
            raise Conflict(f"a location with code {facts.code!r} already exists") from error
        view = get_location(uow.connection, facts.code)
        uow.publish(Event("location.created", {"location": facts.code}))
        uow.record(AuditEntry("location.created", "location", facts.code, after=view))
        uow.commit()
        assert view is not None
        return view


def update_location(uow: UnitOfWork, code: str, changes: dict[str, Any]) -> dict[str, Any]:
    with uow:
        row = repository.location_by_code(uow.connection, code)
        if row is None:
            raise NotFound(f"location {code!r} not found")
        if "code" in changes and changes["code"] != code:
            raise ValidationFailed.on("code", "a location code cannot be changed")
        unknown = set(changes) - set(_FIELDS) - {"code"}
        if unknown:
            raise ValidationFailed.on(sorted(unknown)[0], "not a location field")
        before = get_location(uow.connection, code)
        current = LocationFacts(code=code, **{k: getattr(row, k) for k in _FIELDS
                                             if k not in ("address", "shipping_rates")},
                                address=Address(**row.address),
                                shipping_rates=shipping_rates(row.shipping_rates))
        updates = {k: v for k, v in changes.items() if k != "code"}
        if "address" in updates:
            updates["address"] = Address(**{**row.address, **updates["address"]})
        if "shipping_rates" in updates:
            updates["shipping_rates"] = shipping_rates(updates["shipping_rates"])
        facts = replace(current, **updates)
        errors = ErrorCollector()
        validate_location(facts, errors)
        errors.raise_if_any()
        repository.update_location(uow.connection, row.id, {**_values(facts),
                                                            "updated_at": utcnow()})
        after = get_location(uow.connection, code)
        uow.publish(Event("location.updated", {"location": code}))
        uow.record(AuditEntry("location.updated", "location", code, before=before, after=after))
        uow.commit()
        assert after is not None
        return after
