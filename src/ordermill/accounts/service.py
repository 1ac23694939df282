"""Use cases for accounts: users, API keys, console sign-in. One transaction each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError

from ordermill.accounts import repository
from ordermill.accounts.domain import (
    KEY_PREFIXES,
    Principal,
    Role,
    hash_api_key,
    new_api_key,
    new_session_token,
)
from ordermill.accounts.key_memory import recent_keys
from ordermill.db.engine import Database
from ordermill.db.uow import UnitOfWork
from ordermill.shared.clock import utcnow
from ordermill.shared.errors import (
    Conflict,
    ErrorCollector,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
)
from ordermill.shared.events import AuditEntry

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10
SIGN_IN_WINDOW = timedelta(minutes=15)
FAILURES_PER_EMAIL = 5
FAILURES_PER_SOURCE = 30  # one address may serve a whole office
_NOBODY = _hasher.hash("no such user")


@dataclass(frozen=True)
class IssuedKey:
    id: int
    key: str
    display_prefix: str


@dataclass(frozen=True)
class ConsoleSession:
    token: str
    csrf_token: str
    principal: Principal


def _parse_role(role: str, errors: ErrorCollector) -> Role | None:
    try:
        return Role(role)
    except ValueError:
        errors.add("role", f"must be one of {', '.join(r.value for r in Role)}")
        return None


def _locations(uow: UnitOfWork, codes: list[str], errors: ErrorCollector) -> list[int]:
    found = repository.location_ids_for_codes(uow.connection, codes)
    for code in codes:
        if code not in found:
            errors.add("locations", f"unknown location {code!r}")
    return list(found.values())


def create_user(uow: UnitOfWork, *, email: str, name: str, role: str, password: str,
                locations: list[str] | None = None) -> int:
    with uow:
        errors = ErrorCollector()
        parsed = _parse_role(role, errors)
        if parsed is Role.INTEGRATION:
            errors.add("role", "integration is for API keys, not people")
        if len(password) < MIN_PASSWORD_LENGTH:
            errors.add("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
        if "@" not in email:
            errors.add("email", "must be an email address")
        location_ids = _locations(uow, locations or [], errors)
        if parsed is Role.WAREHOUSE and not location_ids:
            errors.add("locations", "a warehouse user works at one or more locations")
        errors.raise_if_any()
        values = {"email": email.strip().lower(), "name": name, "role": role,
                  "password_hash": _hasher.hash(password), "active": True,
                  "created_at": utcnow()}
        try:
            user_id = repository.insert_user(uow.connection, values, location_ids)
        except IntegrityError as error:
            raise Conflict(f"a user with email {email!r} already exists") from error
        uow.record(AuditEntry("user.created", "user", str(user_id), after={
            "email": values["email"], "role": role, "locations": locations or []}))
        uow.commit()
        return user_id


def create_api_key(uow: UnitOfWork, *, name: str, role: str, channel: str | None = None,
                   locations: list[str] | None = None) -> IssuedKey:
    with uow:
        errors = ErrorCollector()
        parsed = _parse_role(role, errors)
        channel_id = None
        if channel is not None:
            channel_id = repository.channel_id_for_code(uow.connection, channel)
            if channel_id is None:
                errors.add("channel", f"unknown channel {channel!r}")
        if parsed is Role.INTEGRATION and channel is None:
            errors.add("channel", "an integration key belongs to exactly one channel")
        if parsed is not None and parsed is not Role.INTEGRATION and channel is not None:
            errors.add("channel", "only integration keys are scoped to a channel")
        location_ids = _locations(uow, locations or [], errors)
        if parsed is Role.WAREHOUSE and not location_ids:
            errors.add("locations", "a warehouse key works at one or more locations")
        errors.raise_if_any()
        assert parsed is not None
        key = new_api_key(parsed)
        display_prefix = key[: len(KEY_PREFIXES[parsed]) + 6]
        key_id = repository.insert_api_key(uow.connection, {
            "name": name, "display_prefix": display_prefix, "key_hash": hash_api_key(key),
            "role": role, "channel_id": channel_id, "created_at": utcnow()}, location_ids)
        uow.record(AuditEntry("api_key.created", "api_key", str(key_id), after={
            "name": name, "role": role, "channel": channel, "prefix": display_prefix}))
        uow.commit()
        return IssuedKey(key_id, key, display_prefix)


def revoke_api_key(uow: UnitOfWork, *, key_id: int) -> None:
    with uow:
        if not repository.revoke_key(uow.connection, key_id, utcnow()):
            raise NotFound(f"no active API key with id {key_id}")
        uow.record(AuditEntry("api_key.revoked", "api_key", str(key_id)))
        uow.commit()
    recent_keys.forget_key(key_id)


def remembered_principal(key: str) -> Principal | None:
    """Who holds this key, if this process checked it a moment ago; no I/O."""
    return recent_keys.get(hash_api_key(key))


def principal_for_key(database: Database, key: str) -> Principal | None:
    """Who holds this key, read from the database and remembered for a few seconds (see
    `remembered_principal`)."""
    key_hash = hash_api_key(key)
    with database.single_statements() as connection:
        principal = repository.key_principal(connection, key_hash)
    if principal is not None:
        recent_keys.remember(key_hash, principal)
    return principal


def sign_in(uow: UnitOfWork, *, email: str, password: str,
            source: str = "unknown") -> ConsoleSession:
    """A console session for the right password. Past too many failures in the window, for
    this email or from this source (the client's address), nothing is checked until it ends."""
    with uow:
        email, now = email.strip().lower(), utcnow()
        for_email, from_source = repository.failures_since(
            uow.connection, email=email, source=source, since=now - SIGN_IN_WINDOW)
        if for_email >= FAILURES_PER_EMAIL or from_source >= FAILURES_PER_SOURCE:
            minutes = int(SIGN_IN_WINDOW.total_seconds() // 60)
            raise TooManyAttempts(f"too many failed sign-ins: try again in {minutes} minutes")
        row = repository.user_by_email(uow.connection, email)
        # A missing user costs the same hash check, so timing does not tell who has an account.
        matches = _password_matches(row.password_hash if row else _NOBODY, password)
        if row is None or not row.active or not matches:
            repository.record_failure(uow.connection, email=email, source=source, now=now,
                                      forget_before=now - SIGN_IN_WINDOW)
            uow.commit()
            raise Unauthenticated("email or password is wrong")
        repository.clear_failures(uow.connection, email)
        token = new_session_token()
        csrf_token = new_session_token()
        repository.insert_session(uow.connection, {
            "token_hash": hash_api_key(token), "user_id": row.id, "csrf_token": csrf_token,
            "created_at": now, "expires_at": now + SESSION_LIFETIME})
        principal = repository.user_principal(uow.connection, row.id)
        assert principal is not None
        uow.commit()
        return ConsoleSession(token, csrf_token, principal)


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def session_for_token(database: Database, token: str) -> ConsoleSession | None:
    with database.reading() as connection:
        row = repository.session_by_hash(connection, hash_api_key(token), utcnow())
        if row is None:
            return None
        principal = repository.user_principal(connection, row.user_id)
        return None if principal is None else ConsoleSession(token, row.csrf_token, principal)


def sign_out(uow: UnitOfWork, *, token: str) -> None:
    with uow:
        repository.delete_session(uow.connection, hash_api_key(token))
        uow.commit()
