"""The transactional outbox: events written with the change, delivered after commit.

Workers claim rows with `FOR UPDATE SKIP LOCKED` on PostgreSQL so any number of them can run;
SQLite serialises writers, so one claim at a time is already exclusive there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.db import raw
from ordermill.db.metadata import UtcDateTime, metadata
from ordermill.shared.clock import utcnow
from ordermill.shared.events import Event

outbox = sa.Table(
    "outbox", metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("topic", sa.String(80), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("available_at", UtcDateTime(), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("delivered_at", UtcDateTime()),
    sa.Column("last_error", sa.Text),
    sa.Index("ix_outbox_pending", "delivered_at", "available_at"),
)

MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    topic: str
    payload: dict[str, Any]
    attempts: int


APPEND = raw.RawRows(
    "INSERT INTO outbox (topic, payload, created_at, available_at, attempts) VALUES",
    "(:topic, :payload, :now, :now, 0)")


def append(connection: Connection, events: Sequence[Event]) -> None:
    """Every use case ends here, so it is one raw multi-row statement (see db/raw.py)."""
    raw.run_rows(connection, APPEND, rows(events, utcnow()))


def rows(events: Sequence[Event], now: datetime) -> list[dict[str, Any]]:
    """The parameters of APPEND for these events."""
    return [{"topic": e.topic, "payload": json.dumps(e.payload, sort_keys=True, default=str),
             "now": now} for e in events]


def claim(connection: Connection, *, limit: int) -> list[OutboxMessage]:
    """Lock up to `limit` due messages for this transaction; others skip past them."""
    query = (sa.select(outbox.c.id, outbox.c.topic, outbox.c.payload, outbox.c.attempts)
             .where(outbox.c.delivered_at.is_(None), outbox.c.available_at <= utcnow(),
                    outbox.c.attempts < MAX_ATTEMPTS)
             .order_by(outbox.c.id).limit(limit))
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return [OutboxMessage(row.id, row.topic, json.loads(row.payload), row.attempts)
            for row in connection.execute(query)]


def mark_delivered(connection: Connection, message_id: int) -> None:
    connection.execute(outbox.update().where(outbox.c.id == message_id)
                       .values(delivered_at=utcnow()))


def mark_failed(connection: Connection, message: OutboxMessage, error: str) -> None:
    # Exponential back-off keeps a broken handler from spinning; after MAX_ATTEMPTS a
    # person looks at last_error.
    delay = timedelta(seconds=min(2 ** message.attempts, 3600))
    connection.execute(outbox.update().where(outbox.c.id == message.id).values(
        attempts=message.attempts + 1, last_error=error[:2000],
        available_at=utcnow() + delay))


def pending_count(connection: Connection) -> int:
    return connection.execute(sa.select(sa.func.count()).select_from(outbox)
                              .where(outbox.c.delivered_at.is_(None))).scalar_one()
