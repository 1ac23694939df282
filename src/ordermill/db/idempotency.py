"""Stored responses for `Idempotency-Key` requests (IETF httpapi idempotency-key draft).

A key is claimed in its own short transaction before the work starts, so a concurrent
repeat sees it "in flight" (409); once the work is done the response is stored for replay.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ordermill.db.engine import Database
from ordermill.db.metadata import UtcDateTime, metadata
from ordermill.shared.clock import utcnow

idempotency_keys = sa.Table(
    "idempotency_keys", metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("owner", sa.String(80), nullable=False),
    sa.Column("key", sa.String(255), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("response_status", sa.Integer),
    sa.Column("response_body", sa.LargeBinary),
    sa.Column("response_type", sa.String(100)),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("locked_until", UtcDateTime()),
    sa.UniqueConstraint("owner", "key"),
)

# A claim whose holder died is given up after this long, so the client can retry.
CLAIM_TIMEOUT = timedelta(seconds=60)
# A claim attempt fails only when another request's claim vanished in between; after this
# many such losses the request is told to come back, as if that claim were still running.
CLAIM_ATTEMPTS = 3
# Keys are remembered this long; the draft leaves the window to the server.
RETENTION = timedelta(hours=24)


@dataclass(frozen=True)
class Claimed:
    record_id: int


@dataclass(frozen=True)
class InFlight:
    pass


@dataclass(frozen=True)
class Mismatch:
    pass


@dataclass(frozen=True)
class Replay:
    status: int
    body: bytes
    media_type: str


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def claim(database: Database, owner: str, key: str,
          request_fingerprint: str) -> Claimed | InFlight | Mismatch | Replay:
    now = utcnow()
    with database.write_connection() as connection, connection.begin():
        for _ in range(CLAIM_ATTEMPTS):
            try:
                with connection.begin_nested():
                    record_id = connection.execute(idempotency_keys.insert().values(
                        owner=owner, key=key, fingerprint=request_fingerprint, created_at=now,
                        locked_until=now + CLAIM_TIMEOUT).returning(idempotency_keys.c.id)
                    ).scalar_one()
                return Claimed(int(record_id))
            except IntegrityError:
                pass
            found = _existing(connection, owner, key, request_fingerprint, now)
            if found is not None:
                return found
            # The holder released its failed claim between our insert and our look: try again.
        return InFlight()


def _existing(connection: Connection, owner: str, key: str, request_fingerprint: str,
              now: datetime) -> Claimed | InFlight | Mismatch | Replay | None:
    query = sa.select(idempotency_keys).where(idempotency_keys.c.owner == owner,
                                              idempotency_keys.c.key == key)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    row = connection.execute(query).first()
    if row is None:
        return None
    if row.fingerprint != request_fingerprint:
        return Mismatch()
    if row.response_status is not None:
        return Replay(row.response_status, row.response_body, row.response_type)
    if row.locked_until is not None and row.locked_until > now:
        return InFlight()
    # The first attempt died without answering: this request takes over the claim.
    connection.execute(idempotency_keys.update().where(idempotency_keys.c.id == row.id)
                       .values(locked_until=now + CLAIM_TIMEOUT))
    return Claimed(row.id)


def store(database: Database, record_id: int, status: int, body: bytes, media_type: str) -> None:
    with database.write_connection() as connection, connection.begin():
        connection.execute(idempotency_keys.update().where(idempotency_keys.c.id == record_id)
                           .values(response_status=status, response_body=body,
                                   response_type=media_type, locked_until=None))


def release(database: Database, record_id: int) -> None:
    """Forget a claim whose request failed on our side (5xx), so a retry runs afresh."""
    with database.write_connection() as connection, connection.begin():
        connection.execute(idempotency_keys.delete().where(idempotency_keys.c.id == record_id))


def purge_expired(connection: Connection) -> int:
    result = connection.execute(idempotency_keys.delete().where(
        idempotency_keys.c.created_at < utcnow() - RETENTION))
    return result.rowcount
