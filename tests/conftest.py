"""Test databases built by running the migrations: a fresh SQLite file per test, or, with
ORDERMILL_TEST_DATABASE_URL, one PostgreSQL database emptied between tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from ordermill.db.engine import Database
from ordermill.db.migrate import upgrade
from ordermill.schema import metadata

POSTGRES_URL = os.environ.get("ORDERMILL_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    if POSTGRES_URL:
        database = Database(POSTGRES_URL)
        with database.engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        upgrade(database)
        database.dispose()
        return POSTGRES_URL
    template = tmp_path_factory.mktemp("template") / "template.db"
    database = Database(f"sqlite:///{template}")
    upgrade(database)
    database.dispose()
    return str(template)


@pytest.fixture
def database_url(_migrated_template: str, tmp_path: Path) -> str:
    if POSTGRES_URL:
        return POSTGRES_URL
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
