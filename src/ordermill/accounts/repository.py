"""Loading and saving users, keys and sessions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ordermill.accounts.domain import Principal, Role
from ordermill.accounts.tables import (
    api_key_locations,
    api_keys,
    sessions,
    sign_in_failures,
    user_locations,
    users,
)
from ordermill.channels.tables import channels
from ordermill.db import raw
from ordermill.locations.tables import locations


def location_ids_for_codes(connection: Connection, codes: Iterable[str]) -> dict[str, int]:
    codes = list(codes)
    if not codes:
        return {}
    rows = connection.execute(sa.select(locations.c.code, locations.c.id)
                              .where(locations.c.code.in_(codes)))
    return {row.code: row.id for row in rows}


def channel_id_for_code(connection: Connection, code: str) -> int | None:
    return connection.execute(sa.select(channels.c.id).where(channels.c.code == code)).scalar()


def insert_user(connection: Connection, values: dict[str, Any], location_ids: list[int]) -> int:
    user_id = int(connection.execute(users.insert().values(**values)
                                     .returning(users.c.id)).scalar_one())
    if location_ids:
        connection.execute(user_locations.insert(),
                           [{"user_id": user_id, "location_id": i} for i in location_ids])
    return user_id


def user_by_email(connection: Connection, email: str) -> Any:
    return connection.execute(sa.select(users).where(users.c.email == email)).first()


def user_principal(connection: Connection, user_id: int) -> Principal | None:
    row = connection.execute(sa.select(users).where(users.c.id == user_id,
                                                    users.c.active.is_(True))).first()
    if row is None:
        return None
    location_ids = connection.execute(sa.select(user_locations.c.location_id)
                                      .where(user_locations.c.user_id == user_id)).scalars()
    return Principal("user", row.id, row.email, Role(row.role),
                     location_ids=frozenset(location_ids))


def insert_api_key(connection: Connection, values: dict[str, Any], location_ids: list[int]) -> int:
    key_id = int(connection.execute(api_keys.insert().values(**values)
                                    .returning(api_keys.c.id)).scalar_one())
    if location_ids:
        connection.execute(api_key_locations.insert(),
                           [{"api_key_id": key_id, "location_id": i} for i in location_ids])
    return key_id


# Every API request resolves its key, so this is raw SQL written once (see db/raw.py).
_KEY = raw.RawStatement(
    "SELECT k.id, k.name, k.role, k.channel_id, c.code FROM api_keys k "
    "LEFT JOIN channels c ON c.id = k.channel_id "
    "WHERE k.key_hash = :key_hash AND k.revoked_at IS NULL")


def key_principal(connection: Connection, key_hash: str) -> Principal | None:
    rows = raw.run(connection, _KEY, {"key_hash": key_hash})
    if not rows:
        return None
    key_id, name, role_name, channel_id, channel_code = rows[0]
    role = Role(role_name)
    location_ids: frozenset[int] = frozenset()
    if role is Role.WAREHOUSE:
        location_ids = frozenset(connection.execute(
            sa.select(api_key_locations.c.location_id)
            .where(api_key_locations.c.api_key_id == key_id)).scalars())
    return Principal("api_key", key_id, name, role, channel_id=channel_id,
                     channel_code=channel_code, location_ids=location_ids)


def revoke_key(connection: Connection, key_id: int, when: datetime) -> bool:
    result = connection.execute(api_keys.update()
                                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                                .values(revoked_at=when))
    return result.rowcount == 1


def list_keys(connection: Connection) -> list[Any]:
    return list(connection.execute(
        sa.select(api_keys.c.id, api_keys.c.name, api_keys.c.display_prefix, api_keys.c.role,
                  channels.c.code.label("channel"), api_keys.c.created_at,
                  api_keys.c.revoked_at)
        .select_from(api_keys.outerjoin(channels, channels.c.id == api_keys.c.channel_id))
        .order_by(api_keys.c.id)))


def insert_session(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(sessions.insert().values(**values))


def session_by_hash(connection: Connection, token_hash: str, now: datetime) -> Any:
    return connection.execute(sa.select(sessions).where(
        sessions.c.token_hash == token_hash, sessions.c.expires_at > now)).first()


def delete_session(connection: Connection, token_hash: str) -> None:
    connection.execute(sessions.delete().where(sessions.c.token_hash == token_hash))


def failures_since(connection: Connection, *, email: str, source: str,
                   since: datetime) -> tuple[int, int]:
    """Failed sign-ins since `since`: for this email, and from this source."""
    def count(condition: Any) -> int:
        return int(connection.execute(sa.select(sa.func.count()).select_from(sign_in_failures)
                                      .where(condition, sign_in_failures.c.failed_at > since))
                   .scalar_one())
    return (count(sign_in_failures.c.email == email),
            count(sign_in_failures.c.source == source))


def record_failure(connection: Connection, *, email: str, source: str, now: datetime,
                   forget_before: datetime) -> None:
    connection.execute(sign_in_failures.delete()
                       .where(sign_in_failures.c.failed_at <= forget_before))
    connection.execute(sign_in_failures.insert().values(email=email, source=source,
                                                        failed_at=now))


def clear_failures(connection: Connection, email: str) -> None:
    connection.execute(sign_in_failures.delete().where(sign_in_failures.c.email == email))
