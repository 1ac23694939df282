"""Who is using the console: the session cookie, CSRF checks and the permission each page needs.

Refusals are exceptions that the console's handlers turn into a login redirect or an HTML page.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Form, Request

from ordermill.accounts.domain import Principal
from ordermill.accounts.service import ConsoleSession, session_for_token
from ordermill.db.engine import Database
from ordermill.db.uow import UnitOfWork
from ordermill.shared.events import Actor

SESSION_COOKIE = "om_session"
LOGIN_COOKIE = "om_login"
CsrfField = Annotated[str, Form()]


class SignInRequired(Exception):
    """No valid session: the browser is sent to the login page, then back to `next_path`."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageRefused(Exception):
    """A page or form the user may not use, or that does not exist for them."""

    def __init__(self, status_code: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.title = title
        self.detail = detail


def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


def tokens_match(sent: str, expected: str) -> bool:
    return secrets.compare_digest(sent.encode(), expected.encode())


def signed_in(request: Request) -> ConsoleSession:
    token = request.cookies.get(SESSION_COOKIE)
    session = session_for_token(database(request), token) if token else None
    if session is None:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(here if request.method == "GET" else "/console/")
    # Kept for the error page only; routes receive the session as an argument.
    request.state.console_session = session
    return session


def _refuse_unless(principal: Principal, permission: str) -> None:
    if not principal.can(permission):
        subject, _, verb = permission.partition(":")
        verb = {"read": "view", "write": "change"}.get(verb, verb)
        raise PageRefused(403, "Not allowed",
                          f"Your role ({principal.role}) may not {verb} {subject}.")


def viewing(permission: str) -> Callable[[Request], ConsoleSession]:
    """A dependency for pages: a signed-in user whose role may read `permission`."""

    def check(request: Request) -> ConsoleSession:
        session = signed_in(request)
        _refuse_unless(session.principal, permission)
        return session

    check.__name__ = f"viewing_{permission.replace(':', '_')}"
    return check


async def storable_form(request: Request) -> None:
    """Refuses a form holding NUL: no text column can store it, and PostgreSQL will not even
    compare with it."""
    form = await request.form()
    if any("\x00" in value for value in form.values() if isinstance(value, str)):
        raise PageRefused(422, "Form not accepted",
                          "A field held a NUL character, which cannot be stored.")


def posting(permission: str | None) -> Callable[..., ConsoleSession]:
    """A dependency for forms: readable, signed in, the session's CSRF token, `permission`."""

    def check(request: Request, csrf_token: CsrfField = "",
              _: None = Depends(storable_form)) -> ConsoleSession:
        session = signed_in(request)
        if not tokens_match(csrf_token, session.csrf_token):
            raise PageRefused(403, "Form expired",
                              "This form was not sent from your current session. "
                              "Go back, reload the page and try again.")
        if permission is not None:
            _refuse_unless(session.principal, permission)
        return session

    check.__name__ = f"posting_{(permission or 'any').replace(':', '_')}"
    return check


def scope_of(principal: Principal) -> frozenset[int] | None:
    """The locations a warehouse user may see; None means all."""
    return principal.location_ids if principal.is_location_scoped else None


def unit_of_work(request: Request, session: ConsoleSession) -> UnitOfWork:
    principal = session.principal
    return UnitOfWork(database(request), Actor(principal.kind, principal.id, principal.name))
