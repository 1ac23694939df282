"""Use cases for channels: register them and change their rules."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ordermill.catalog import repository as catalog
from ordermill.channels import repository
from ordermill.channels.domain import AvailabilityRules, ChannelFacts, validate_channel
from ordermill.channels.queries import get_channel
from ordermill.db.uow import UnitOfWork
from ordermill.locations import repository as locations
from ordermill.shared.clock import utcnow
from ordermill.shared.errors import Conflict, ErrorCollector, NotFound, ValidationFailed
from ordermill.shared.events import AuditEntry, Event

_FIELDS = ("name", "kind", "locations", "shortage_policy", "payment_terms", "availability",
           "active")


def _resolve(connection: Connection, facts: ChannelFacts,
             errors: ErrorCollector) -> tuple[list[int], dict[int, int]]:
    found = locations.locations_by_code(connection, facts.locations)
    for code in facts.locations:
        if code not in found:
            errors.add("locations", f"unknown location {code!r}")
    skus = catalog.products_by_sku(connection, facts.availability.sku_buffers)
    for sku in facts.availability.sku_buffers:
        if sku not in skus:
            errors.add(f"availability.sku_buffers.{sku}", f"unknown sku {sku!r}")
    return ([found[c].id for c in facts.locations if c in found],
            {skus[s].id: b for s, b in facts.availability.sku_buffers.items() if s in skus})


def _values(facts: ChannelFacts) -> dict[str, Any]:
    return {"name": facts.name, "kind": str(facts.kind),
            "shortage_policy": str(facts.shortage_policy), "payment_terms": facts.payment_terms,
            "availability_buffer": facts.availability.buffer,
            "availability_cap_percent": facts.availability.cap_percent,
            "active": facts.active}


def create_channel(uow: UnitOfWork, facts: ChannelFacts) -> dict[str, Any]:
    with uow:
        errors = ErrorCollector()
        validate_channel(facts, errors)
        location_ids, buffers = _resolve(uow.connection, facts, errors)
        errors.raise_if_any()
        now = utcnow()
        try:
            channel_id = repository.insert_channel(uow.connection, {
                "code": facts.code, **_values(facts), "created_at": now, "updated_at": now})
        except IntegrityError as error:
            raise Conflict(f"a channel with code {facts.code!r} already exists") from error
        repository.replace_locations(uow.connection, channel_id, location_ids)
        repository.replace_sku_buffers(uow.connection, channel_id, buffers)
        view = get_channel(uow.connection, facts.code)
        uow.publish(Event("channel.created", {"channel": facts.code}))
        uow.record(AuditEntry("channel.created", "channel", facts.code, after=view))
        uow.commit()
        assert view is not None
        return view


def update_channel(uow: UnitOfWork, code: str, changes: dict[str, Any]) -> dict[str, Any]:
    with uow:
        row = repository.channel_by_code(uow.connection, code)
        before = get_channel(uow.connection, code)
        if row is None or before is None:
            raise NotFound(f"channel {code!r} not found")
        if "code" in changes and changes["code"] != code:
            raise ValidationFailed.on("code", "a channel code cannot be changed")
        unknown = set(changes) - set(_FIELDS) - {"code"}
        if unknown:
            raise ValidationFailed.on(sorted(unknown)[0], "not a channel field")
        current = ChannelFacts(code=code, **{k: before[k] for k in _FIELDS
                                            if k != "availability"},
                               availability=AvailabilityRules(**before["availability"]))
        updates = {k: v for k, v in changes.items() if k != "code"}
        if "availability" in updates:
            updates["availability"] = AvailabilityRules(
                **{**before["availability"], **updates["availability"]})
        facts = replace(current, **updates)
        errors = ErrorCollector()
        validate_channel(facts, errors)
        location_ids, buffers = _resolve(uow.connection, facts, errors)
        errors.raise_if_any()
        repository.update_channel(uow.connection, row.id, {**_values(facts),
                                                           "updated_at": utcnow()})
        repository.replace_locations(uow.connection, row.id, location_ids)
        repository.replace_sku_buffers(uow.connection, row.id, buffers)
        after = get_channel(uow.connection, code)
        uow.publish(Event("channel.updated", {"channel": code}))
        uow.record(AuditEntry("channel.updated", "channel", code, before=before, after=after))
        uow.commit()
        assert after is not None
        return after
