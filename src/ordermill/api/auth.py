"""Who is calling: a Bearer API key, checked against the permission each endpoint needs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from anyio import to_thread
from fastapi import Depends, Request

from ordermill.accounts.domain import Principal
from ordermill.accounts.service import principal_for_key, remembered_principal
from ordermill.db.engine import Database
from ordermill.db.uow import UnitOfWork
from ordermill.shared.errors import Unauthenticated
from ordermill.shared.events import Actor


def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


async def current_principal(request: Request) -> Principal:
    # Async, and the database asked only when this process has not seen the key lately:
    # a worker thread per request would cost more than the check itself.
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthenticated("send your API key as 'Authorization: Bearer <key>'")
    key = key.strip()
    principal = remembered_principal(key) or await to_thread.run_sync(
        principal_for_key, request.app.state.database, key)
    if principal is None:
        raise Unauthenticated("the API key is unknown or revoked")
    request.state.principal = principal
    return principal


def require(permission: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets the request in only with `permission`."""

    # Async because it does no I/O: a sync dependency would cost a thread hop per request.
    async def check(principal: Principal = Depends(current_principal)) -> Principal:
        principal.require(permission)
        return principal

    check.__name__ = f"require_{permission.replace(':', '_')}"
    return check


def actor_of(principal: Principal) -> Actor:
    return Actor(principal.kind, principal.id, principal.name)


def unit_of_work(request: Request, principal: Principal) -> UnitOfWork:
    return UnitOfWork(request.app.state.database, actor_of(principal))


def scope_of(principal: Principal) -> frozenset[int] | None:
    """The locations a warehouse principal may see; None means all."""
    return principal.location_ids if principal.is_location_scoped else None
