"""Failed console sign-ins are throttled per email and per client address."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ordermill.accounts import service
from ordermill.accounts.service import (
    FAILURES_PER_EMAIL,
    FAILURES_PER_SOURCE,
    SIGN_IN_WINDOW,
    create_user,
    sign_in,
)
from ordermill.db.engine import Database
from ordermill.shared.clock import utcnow
from ordermill.shared.errors import TooManyAttempts, Unauthenticated
from tests import builders

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(service, "utcnow", clock)
    return clock


@pytest.fixture
def sam(database: Database) -> str:
    create_user(builders.uow(database), email="sam@example.com", name="Sam", role="support",
                password=PASSWORD)
    return "sam@example.com"


def _fail(database: Database, email: str, times: int, source: str = "10.0.0.1") -> None:
    for _ in range(times):
        with pytest.raises(Unauthenticated):
            sign_in(builders.uow(database), email=email, password="wrong password",
                    source=source)


def test_after_five_failures_even_the_right_password_waits_out_the_window(
        database: Database, sam: str, clock: Clock) -> None:
    _fail(database, sam, FAILURES_PER_EMAIL)
    with pytest.raises(TooManyAttempts):
        sign_in(builders.uow(database), email=sam, password=PASSWORD, source="10.9.9.9")
    clock.now += SIGN_IN_WINDOW - timedelta(seconds=1)
    with pytest.raises(TooManyAttempts):
        sign_in(builders.uow(database), email=sam, password=PASSWORD, source="10.9.9.9")
    clock.now += timedelta(seconds=2)
    session = sign_in(builders.uow(database), email=sam, password=PASSWORD)
    assert session.principal.name == "sam@example.com"


def test_a_success_forgets_the_failures_before_it(database: Database, sam: str,
                                                  clock: Clock) -> None:
    _fail(database, sam, FAILURES_PER_EMAIL - 1)
    sign_in(builders.uow(database), email=sam, password=PASSWORD)
    _fail(database, sam, FAILURES_PER_EMAIL - 1)
    assert sign_in(builders.uow(database), email=" SAM@example.com",
                   password=PASSWORD).principal.name == "sam@example.com"


def test_one_address_failing_on_many_emails_is_stopped_and_others_are_not(
        database: Database, sam: str, clock: Clock) -> None:
    for number in range(FAILURES_PER_SOURCE):
        _fail(database, f"guess{number}@example.com", 1, source="203.0.113.7")
    with pytest.raises(TooManyAttempts):
        sign_in(builders.uow(database), email=sam, password=PASSWORD, source="203.0.113.7")
    assert sign_in(builders.uow(database), email=sam, password=PASSWORD,
                   source="198.51.100.2").principal.name == "sam@example.com"


def test_failures_for_someone_without_an_account_count_too(database: Database,
                                                          clock: Clock) -> None:
    _fail(database, "nobody@example.com", FAILURES_PER_EMAIL)
    with pytest.raises(TooManyAttempts):
        sign_in(builders.uow(database), email="nobody@example.com", password=PASSWORD)
