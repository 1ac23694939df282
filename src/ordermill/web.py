"""Builds the whole web application (API and console) for a server process."""

from __future__ import annotations

from fastapi import FastAPI

from ordermill.api.app import create_app
from ordermill.db.engine import Database


def build(database: Database) -> FastAPI:
    return create_app(database)


def create() -> FastAPI:
    """Factory for multi-process serving: each process opens its own engine."""
    return build(Database())
