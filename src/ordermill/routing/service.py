"""Use cases of routing: setting a channel's rules. One transaction each."""

from __future__ import annotations

from typing import Any

from ordermill.channels.repository import channel_by_code
from ordermill.db.uow import UnitOfWork
from ordermill.routing import repository
from ordermill.routing.domain import RuleSet, validate_rules
from ordermill.routing.queries import rules_view
from ordermill.shared.clock import utcnow
from ordermill.shared.errors import ErrorCollector, NotFound
from ordermill.shared.events import AuditEntry, Event


def set_routing_rules(uow: UnitOfWork, channel: str, rules: dict[str, Any]) -> dict[str, Any]:
    """Replace the channel's routing rules as a whole; they apply to the next order."""
    with uow:
        found = channel_by_code(uow.connection, channel)
        if found is None:
            raise NotFound(f"channel {channel!r} not found")
        errors = ErrorCollector()
        parsed: RuleSet = validate_rules(rules, errors)
        errors.raise_if_any()
        before = rules_view(uow.connection, found.id, channel)
        repository.save_rule_set(uow.connection, found.id, {
            **repository.rules_row(parsed), "updated_by": uow.actor.label,
            "updated_at": utcnow()})
        after = rules_view(uow.connection, found.id, channel)
        uow.publish(Event("channel.routing_rules_changed", {"channel": channel}))
        uow.record(AuditEntry("channel.routing_rules_set", "channel", channel, before=before,
                              after=after))
        uow.commit()
        return after
