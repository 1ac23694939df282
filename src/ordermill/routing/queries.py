"""Read side of routing: a channel's rules, and the decisions that placed an order."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from ordermill.routing import repository
from ordermill.routing.tables import channel_routing_rules
from ordermill.shared.clock import rfc3339


def rules_view(connection: Connection, channel_id: int, code: str) -> dict[str, Any]:
    row = connection.execute(channel_routing_rules.select().where(
        channel_routing_rules.c.channel_id == channel_id)).first()
    rules = repository.rule_set(connection, channel_id)
    return {"channel": code, **repository.rules_row(rules), "default": row is None,
            "updated_by": None if row is None else row.updated_by,
            "updated_at": None if row is None else rfc3339(row.updated_at)}


def order_routing(connection: Connection, order_id: int) -> dict[str, Any]:
    """Every decision, oldest first: the locations weighed, their scores per criterion, which
    won and why."""
    decisions = [{
        "trigger": row.trigger, "policy": row.policy, "decided_at": rfc3339(row.decided_at),
        "candidates": row.candidates,
        "winners": sorted({a["location"] for a in row.allocations}),
        "allocations": row.allocations, "short": row.short, "reason": row.reason,
    } for row in repository.decisions_of(connection, order_id)]
    return {"order_id": order_id, "decisions": decisions,
            "current": decisions[-1] if decisions else None}
