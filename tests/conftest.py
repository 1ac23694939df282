"""Test databases built by running the migrations: a fresh SQLite file per test, or, with
ORDERMILL_TEST_DATABASE_URL, one PostgreSQL database emptied between tests."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ordermill.db.engine import Database
from ordermill.db.migrate import upgrade
from ordermill.schema import metadata

POSTGRES_URL = os.environ.get("ORDERMILL_TEST_DATABASE_URL")


def _fresh_postgres_database(server_url: str) -> Iterator[str]:
    """A database of our own on the given server, so parallel test runs never meet."""
    url = make_url(server_url)
    name = f"ordermill_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if POSTGRES_URL:
        for url in _fresh_postgres_database(POSTGRES_URL):
            database = Database(url)
            upgrade(database)
            database.dispose()
            yield url
        return
    template = tmp_path_factory.mktemp("template") / "template.db"
    database = Database(f"sqlite:///{template}")
    upgrade(database)
    database.dispose()
    yield str(template)


@pytest.fixture
def database_url(_migrated_template: str, tmp_path: Path) -> str:
    if POSTGRES_URL:
        return _migrated_template
    target = tmp_path / "ordermill.db"
    shutil.copyfile(_migrated_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    if database.is_postgresql:
        tables = ", ".join(t.name for t in metadata.sorted_tables)
        with database.engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    database.dispose()
