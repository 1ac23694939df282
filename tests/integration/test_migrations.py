"""The migrations are the schema: they build exactly the tables the code declares, and they
go down and up again cleanly."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from ordermill.db.engine import Database
from ordermill.db.migrate import alembic_config
from ordermill.schema import metadata


def _run(database: Database, action: str, revision: str) -> None:
    config = alembic_config(database.url)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


def test_the_tables_the_code_declares_are_exactly_the_migrated_ones(database: Database) -> None:
    config = alembic_config(database.url)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.check(config)  # raises when a table or column has no migration
        migrated = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
    assert migrated == set(metadata.tables)


def test_downgrading_to_nothing_and_upgrading_again_rebuilds_every_table(
        database: Database) -> None:
    _run(database, "downgrade", "base")
    with database.engine.connect() as connection:
        left = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}

    _run(database, "upgrade", "head")
    with database.engine.connect() as connection:
        rebuilt = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}

    assert left == set()
    assert rebuilt == set(metadata.tables)
