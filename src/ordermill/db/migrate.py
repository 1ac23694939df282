"""Bring a database to the newest schema by running the Alembic migrations."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from ordermill.db.engine import Database


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "ordermill:migrations")
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    config = alembic_config(database.url)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
