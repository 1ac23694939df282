"""What every command needs: the database from ORDERMILL_DATABASE_URL, migrated, and an actor."""

from __future__ import annotations

import getpass

from ordermill.db.engine import Database
from ordermill.db.migrate import upgrade
from ordermill.shared.events import Actor


def open_database(*, migrate: bool = True) -> Database:
    database = Database()
    if migrate:
        upgrade(database)
    return database


def cli_actor() -> Actor:
    """Changes made at the command line are attributed to the operating-system user."""
    return Actor("cli", None, f"cli:{getpass.getuser()}")
