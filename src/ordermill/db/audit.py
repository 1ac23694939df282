"""The audit log: who changed what and when, with before/after, written in the same transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.db import raw
from ordermill.db.metadata import UtcDateTime, metadata
from ordermill.shared.clock import rfc3339
from ordermill.shared.events import Actor, AuditEntry

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("occurred_at", UtcDateTime(), nullable=False, index=True),
    sa.Column("actor_kind", sa.String(20), nullable=False),
    sa.Column("actor_id", sa.Integer),
    sa.Column("actor_name", sa.String(200), nullable=False),
    sa.Column("action", sa.String(80), nullable=False),
    sa.Column("entity_type", sa.String(40), nullable=False),
    sa.Column("entity_id", sa.String(120), nullable=False),  # sku (64) @ location code (32)
    sa.Column("before", sa.Text),
    sa.Column("after", sa.Text),
    sa.Index("ix_audit_log_entity", "entity_type", "entity_id"),
)


APPEND = raw.RawRows(
    "INSERT INTO audit_log (occurred_at, actor_kind, actor_id, actor_name, action, "
    "entity_type, entity_id, before, after) VALUES",
    "(:now, :actor_kind, :actor_id, :actor_name, :action, :entity_type, :entity_id, "
    ":before, :after)")


def rows(actor: Actor, entries: Sequence[AuditEntry], now: datetime) -> list[dict[str, Any]]:
    """The parameters of APPEND for these entries; the unit of work writes them at commit."""
    return [{"now": now, "actor_kind": actor.kind, "actor_id": actor.id,
             "actor_name": actor.name, "action": e.action, "entity_type": e.entity_type,
             "entity_id": e.entity_id,
             "before": None if e.before is None else json.dumps(e.before, default=str),
             "after": None if e.after is None else json.dumps(e.after, default=str)}
            for e in entries]


def entries(connection: Connection, *, entity_type: str | None = None,
            entity_id: str | None = None, action: str | None = None,
            before_id: int | None = None, limit: int = 50,
            ) -> tuple[list[dict[str, Any]], int | None]:
    """Newest first."""
    query = audit_log.select().order_by(audit_log.c.id.desc()).limit(limit + 1)
    for column, value in ((audit_log.c.entity_type, entity_type),
                          (audit_log.c.entity_id, entity_id), (audit_log.c.action, action)):
        if value is not None:
            query = query.where(column == value)
    if before_id is not None:
        query = query.where(audit_log.c.id < before_id)
    rows = list(connection.execute(query))
    page = rows[:limit]
    items = [{"id": r.id, "occurred_at": rfc3339(r.occurred_at),
              "actor": {"kind": r.actor_kind, "id": r.actor_id, "name": r.actor_name},
              "action": r.action, "entity": {"type": r.entity_type, "id": r.entity_id},
              "before": json.loads(r.before) if r.before else None,
              "after": json.loads(r.after) if r.after else None} for r in page]
    return items, (page[-1].id if len(rows) > limit else None)
