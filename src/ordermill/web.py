"""Builds the whole web application (API and console) for a server process."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import RedirectResponse

from ordermill.api.app import create_app
from ordermill.console.app import install as install_console
from ordermill.db.engine import Database
from ordermill.locations.queries import list_locations
from ordermill.routing import postal

THREADS_VARIABLE = "ORDERMILL_WEB_THREADS"
log = logging.getLogger("ordermill.web")


def threads_per_process(workers: int) -> int:
    """How many requests a web process works on at once (each in a thread with its own
    database connection; the rest wait their turn). Past a handful, the threads spend more
    time passing the GIL between them than they gain in overlapping database waits: on two
    cores, 8 for one process and 4 each for two served the most orders (bench/README.md)."""
    return 8 if workers <= 1 else 4


def _starting(database: Database,
              threads: int) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = threads
        threading.Thread(target=warm_routing, args=(database,), name="ordermill-warm-up",
                         daemon=True).start()
        yield

    return lifespan


def warm_routing(database: Database) -> None:
    """Read the postal centroids of the countries the merchant ships from and to before the
    first order there needs them: reading a country takes a second or so."""
    try:
        with database.reading() as connection:
            places = list_locations(connection, active=True)
    except SQLAlchemyError:
        log.warning("no locations to warm routing for", exc_info=True)
        return
    postal.warm(sorted({place["address"]["country"] for place in places}
                       | {country for place in places for country in place["ships_to"] or ()}))


def build(database: Database, *, threads: int | None = None) -> FastAPI:
    app = create_app(database)
    install_console(app)
    app.router.lifespan_context = _starting(database, threads or threads_per_process(1))

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/console/", status_code=307)

    return app


def create() -> FastAPI:
    """Factory for multi-process serving: each process opens its own engine."""
    threads = os.environ.get(THREADS_VARIABLE)
    return build(Database(), threads=int(threads) if threads else None)
