"""Accounts against a real database: argon2id passwords, keys stored only as hashes with a
readable prefix, revocation, and the scope each role must carry."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from ordermill.accounts.domain import Role
from ordermill.accounts.service import (
    create_api_key,
    create_user,
    principal_for_key,
    revoke_api_key,
    session_for_token,
    sign_in,
)
from ordermill.accounts.tables import api_keys, sessions, users
from ordermill.db.audit import audit_log
from ordermill.db.engine import Database
from ordermill.shared.errors import Conflict, NotFound, Unauthenticated, ValidationFailed
from tests import builders

PASSWORD = "correct horse battery"
PREFIXES = {"admin": "om_admin_", "manager": "om_mgr_", "warehouse": "om_wh_",
            "support": "om_sup_", "finance": "om_fin_", "analyst": "om_ro_",
            "integration": "om_int_"}


def _rows(database: Database, table: sa.Table) -> list[Any]:
    with database.reading() as connection:
        return list(connection.execute(sa.select(table)))


def _places(database: Database) -> None:
    builders.location(database, "east")
    builders.location(database, "west")
    builders.channel(database, "web", ["east"])


SCOPES: dict[str, dict[str, Any]] = {"integration": {"channel": "web"},
                                     "warehouse": {"locations": ["east"]}}


def _fields(error: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [e.field for e in error.value.errors]


@pytest.mark.parametrize("role", PREFIXES)
def test_an_api_key_carries_its_roles_prefix_and_only_its_hash_is_stored(
        database: Database, role: str) -> None:
    _places(database)
    issued = create_api_key(builders.uow(database), name="till 1", role=role,
                            **SCOPES.get(role, {}))
    assert issued.key.startswith(PREFIXES[role])
    assert len(issued.key) >= len(PREFIXES[role]) + 40
    assert issued.display_prefix == issued.key[:len(PREFIXES[role]) + 6]
    [row] = _rows(database, api_keys)
    assert row.key_hash == hashlib.sha256(issued.key.encode()).hexdigest()
    assert row.display_prefix == issued.display_prefix
    assert not any(issued.key in str(value) for value in row)
    assert not any(issued.key in str(value) for entry in _rows(database, audit_log)
                   for value in entry)


def test_no_two_keys_are_alike(database: Database) -> None:
    keys = {create_api_key(builders.uow(database), name=f"key {n}", role="analyst").key
            for n in range(20)}
    assert len(keys) == 20


def test_a_key_identifies_its_role_and_scope(database: Database) -> None:
    _places(database)
    web = create_api_key(builders.uow(database), name="web store", role="integration",
                         channel="web")
    picker = create_api_key(builders.uow(database), name="picker", role="warehouse",
                            locations=["east"])
    store = principal_for_key(database, web.key)
    staff = principal_for_key(database, picker.key)
    assert store is not None and staff is not None
    assert (store.kind, store.id, store.role, store.channel_code) == (
        "api_key", web.id, Role.INTEGRATION, "web")
    assert (staff.role, staff.channel_code, len(staff.location_ids)) == (
        Role.WAREHOUSE, None, 1)
    assert principal_for_key(database, web.key + "x") is None
    assert principal_for_key(database, web.display_prefix) is None


def test_a_revoked_key_identifies_no_one_from_that_moment(database: Database) -> None:
    issued = create_api_key(builders.uow(database), name="old till", role="support")
    other = create_api_key(builders.uow(database), name="new till", role="support")
    assert principal_for_key(database, issued.key) is not None
    revoke_api_key(builders.uow(database), key_id=issued.id)
    assert principal_for_key(database, issued.key) is None
    assert principal_for_key(database, other.key) is not None
    [row] = [r for r in _rows(database, api_keys) if r.id == issued.id]
    assert row.revoked_at is not None
    assert [(e.action, e.entity_id) for e in _rows(database, audit_log)][-1] == (
        "api_key.revoked", str(issued.id))


def test_revoking_a_key_twice_or_an_unknown_key_is_not_found(database: Database) -> None:
    issued = create_api_key(builders.uow(database), name="till", role="support")
    revoke_api_key(builders.uow(database), key_id=issued.id)
    entries = len(_rows(database, audit_log))
    for key_id in (issued.id, 999_999):
        with pytest.raises(NotFound):
            revoke_api_key(builders.uow(database), key_id=key_id)
    assert len(_rows(database, audit_log)) == entries


@pytest.mark.parametrize(("role", "scope", "field"), [
    ("integration", {}, "channel"),
    ("integration", {"channel": "nowhere"}, "channel"),
    ("admin", {"channel": "web"}, "channel"),
    ("warehouse", {}, "locations"),
    ("warehouse", {"locations": ["nowhere"]}, "locations"),
    ("superuser", {}, "role"),
])
def test_a_key_without_the_scope_its_role_needs_is_refused(
        database: Database, role: str, scope: dict[str, Any], field: str) -> None:
    _places(database)
    audit_before = _rows(database, audit_log)
    with pytest.raises(ValidationFailed) as refused:
        create_api_key(builders.uow(database), name="bad", role=role, **scope)
    assert field in _fields(refused)
    assert _rows(database, api_keys) == []
    assert _rows(database, audit_log) == audit_before


def test_a_password_is_stored_only_as_an_argon2id_hash(database: Database) -> None:
    user_id = create_user(builders.uow(database), email="Dana@Example.com", name="Dana",
                          role="manager", password=PASSWORD)
    [row] = _rows(database, users)
    assert (row.id, row.email) == (user_id, "dana@example.com")
    assert row.password_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(row.password_hash, PASSWORD)
    assert not any(PASSWORD in str(value) for value in row)
    [entry] = [e for e in _rows(database, audit_log) if e.action == "user.created"]
    assert "argon2" not in entry.after and PASSWORD not in entry.after


def test_the_same_password_hashes_differently_for_two_people(database: Database) -> None:
    for email in ("a@example.com", "b@example.com"):
        create_user(builders.uow(database), email=email, name="X", role="support",
                    password=PASSWORD)
    first, second = (row.password_hash for row in _rows(database, users))
    assert first != second


@pytest.mark.parametrize(("facts", "field"), [
    ({"password": "short pw!"}, "password"),
    ({"password": ""}, "password"),
    ({"email": "not-an-email"}, "email"),
    ({"role": "warehouse"}, "locations"),
    ({"role": "warehouse", "locations": ["nowhere"]}, "locations"),
    ({"role": "integration"}, "role"),
    ({"role": "owner"}, "role"),
])
def test_a_user_that_breaks_a_rule_is_not_created(database: Database, facts: dict[str, Any],
                                                  field: str) -> None:
    _places(database)
    audit_before = _rows(database, audit_log)
    user = {"email": "sam@example.com", "name": "Sam", "role": "support",
            "password": PASSWORD} | facts
    with pytest.raises(ValidationFailed) as refused:
        create_user(builders.uow(database), **user)
    assert field in _fields(refused)
    assert _rows(database, users) == []
    assert _rows(database, audit_log) == audit_before


def test_a_warehouse_user_works_at_the_locations_named(database: Database) -> None:
    _places(database)
    create_user(builders.uow(database), email="pia@example.com", name="Pia", role="warehouse",
                password=PASSWORD, locations=["west"])
    session = sign_in(builders.uow(database), email="pia@example.com", password=PASSWORD)
    assert session.principal.role is Role.WAREHOUSE
    assert session.principal.is_location_scoped
    assert len(session.principal.location_ids) == 1


def test_an_email_is_one_person_whatever_its_case(database: Database) -> None:
    create_user(builders.uow(database), email="sam@example.com", name="Sam", role="support",
                password=PASSWORD)
    with pytest.raises(Conflict):
        create_user(builders.uow(database), email="SAM@example.com", name="Sam again",
                    role="analyst", password=PASSWORD)
    assert len(_rows(database, users)) == 1


def test_signing_in_checks_the_password_and_stores_only_the_sessions_hash(
        database: Database) -> None:
    create_user(builders.uow(database), email="sam@example.com", name="Sam", role="finance",
                password=PASSWORD)
    for email, password in (("sam@example.com", PASSWORD + "!"), ("nobody@example.com",
                                                                   PASSWORD)):
        with pytest.raises(Unauthenticated):
            sign_in(builders.uow(database), email=email, password=password)
    assert _rows(database, sessions) == []
    session = sign_in(builders.uow(database), email=" SAM@example.com ", password=PASSWORD)
    [row] = _rows(database, sessions)
    assert row.token_hash == hashlib.sha256(session.token.encode()).hexdigest()
    assert not any(session.token in str(value) for value in row)
    found = session_for_token(database, session.token)
    assert found is not None and found.principal.role is Role.FINANCE
    assert session_for_token(database, session.token + "x") is None
