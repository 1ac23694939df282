"""Builds the whole web application (API and console) for a server process."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from starlette.responses import RedirectResponse

from ordermill.api.app import create_app
from ordermill.console.app import install as install_console
from ordermill.db.engine import Database

THREADS_VARIABLE = "ORDERMILL_WEB_THREADS"


def threads_per_process(workers: int) -> int:
    """How many requests a web process works on at once (each in a thread with its own
    database connection; the rest wait their turn). Past a handful, the threads spend more
    time passing the GIL between them than they gain in overlapping database waits: on two
    cores, 8 for one process and 4 each for two served the most orders (bench/README.md)."""
    return 8 if workers <= 1 else 4


def _limited_to(threads: int) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    return lifespan


def build(database: Database, *, threads: int | None = None) -> FastAPI:
    app = create_app(database)
    install_console(app)
    app.router.lifespan_context = _limited_to(threads or threads_per_process(1))

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/console/", status_code=307)

    return app


def create() -> FastAPI:
    """Factory for multi-process serving: each process opens its own engine."""
    threads = os.environ.get(THREADS_VARIABLE)
    return build(Database(), threads=int(threads) if threads else None)
