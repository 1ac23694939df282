"""Engines for the embedded SQLite default and for PostgreSQL, and the Database handle.

SQLite gets WAL, foreign keys and `BEGIN IMMEDIATE` for write transactions, so two writers
queue for the lock up front instead of failing halfway through.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

DEFAULT_URL = "sqlite:///ordermill.db"
WRITE = "ordermill_write"


def database_url() -> str:
    return os.environ.get("ORDERMILL_DATABASE_URL") or DEFAULT_URL


def create_engine(url: str, *, pool_size: int = 20) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    # No pre-ping: it would cost a round trip on every checkout of the hot path; stale
    # connections are recycled instead, and a request on a dropped one fails cleanly.
    return sa.create_engine(url, pool_size=pool_size, max_overflow=pool_size,
                            pool_recycle=1800)


def _sqlite_engine(url: str) -> Engine:
    engine = sa.create_engine(url, connect_args={"timeout": 60, "check_same_thread": False},
                              pool_size=20, max_overflow=20)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """One per process: the engine plus how to open read and write transactions."""

    def __init__(self, url: str | None = None, *, pool_size: int = 20) -> None:
        self.url = url or database_url()
        self.engine = create_engine(self.url, pool_size=pool_size)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def single_statements(self) -> Iterator[Connection]:
        """For lookups that need no transaction: on PostgreSQL each statement runs on its
        own, sparing the BEGIN and COMMIT round trips; SQLite reads in a plain transaction."""
        if self.is_sqlite:
            with self.reading() as connection:
                yield connection
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            yield connection

    def write_connection(self) -> Connection:
        return self.engine.connect().execution_options(**{WRITE: True})

    def dispose(self) -> None:
        self.engine.dispose()
