"""Builds the whole web application (API and console) for a server process."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.responses import RedirectResponse

from ordermill.api.app import create_app
from ordermill.console.app import install as install_console
from ordermill.db.engine import Database


def build(database: Database) -> FastAPI:
    app = create_app(database)
    install_console(app)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/console/", status_code=307)

    return app


def create() -> FastAPI:
    """Factory for multi-process serving: each process opens its own engine."""
    return build(Database())
