"""Signing in and out of the console: the login form, the session cookie, logout.

The login form has its own CSRF token (a cookie matched by a hidden field), since there is no
session yet to carry one.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import Response

from ordermill.accounts.service import (
    SESSION_LIFETIME,
    ConsoleSession,
    session_for_token,
    sign_in,
    sign_out,
)
from ordermill.console.pages import Flash, local_path, redirect, render
from ordermill.console.session import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    PageRefused,
    database,
    posting,
    storable_form,
    tokens_match,
    unit_of_work,
)
from ordermill.db.uow import UnitOfWork
from ordermill.shared.errors import TooManyAttempts, Unauthenticated
from ordermill.shared.events import SYSTEM

router = APIRouter(prefix="/console", include_in_schema=False)
LOGIN_PATH = "/console/login"
TextField = Annotated[str, Form()]


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_form(request: Request, next_path: str, *, email: str = "", error: str | None = None,
                status_code: int = 200) -> Response:
    login_token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, "login.html", None, status_code=status_code,
                      login_token=login_token, next_path=next_path, email=email, error=error)
    response.set_cookie(LOGIN_COOKIE, login_token, max_age=3600, path=LOGIN_PATH,
                        httponly=True, samesite="lax", secure=_secure(request))
    return response


@router.get("/login")
def login_page(request: Request,
               next_path: Annotated[str, Query(alias="next")] = "") -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token and session_for_token(database(request), token) is not None:
        return redirect(local_path(next_path))
    return _login_form(request, local_path(next_path))


@router.post("/login", dependencies=[Depends(storable_form)])
def login(request: Request, email: TextField = "", password: TextField = "",
          csrf_token: TextField = "",
          next_path: Annotated[str, Form(alias="next")] = "") -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not tokens_match(csrf_token, expected):
        raise PageRefused(403, "Form expired",
                          "The login form expired. Reload the login page and try again.")
    try:
        session = sign_in(UnitOfWork(database(request), SYSTEM), email=email,
                          password=password,
                          source=request.client.host if request.client else "unknown")
    except (Unauthenticated, TooManyAttempts) as error:
        return _login_form(request, local_path(next_path), email=email, error=error.detail,
                           status_code=429 if isinstance(error, TooManyAttempts) else 400)
    response = redirect(local_path(next_path))
    response.set_cookie(SESSION_COOKIE, session.token,
                        max_age=int(SESSION_LIFETIME.total_seconds()), path="/",
                        httponly=True, samesite="lax", secure=_secure(request))
    response.delete_cookie(LOGIN_COOKIE, path=LOGIN_PATH, httponly=True)
    return response


@router.post("/logout")
def logout(request: Request, session: ConsoleSession = Depends(posting(None))) -> Response:
    sign_out(unit_of_work(request, session), token=session.token)
    response = redirect(LOGIN_PATH, Flash("success", "You are signed out."))
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, secure=_secure(request))
    return response
