"""What every command needs: the database from ORDERMILL_DATABASE_URL, migrated, and an actor."""

from __future__ import annotations

import getpass
from typing import NoReturn

import typer
from rich.console import Console

from ordermill.db.engine import Database
from ordermill.db.migrate import upgrade
from ordermill.shared.errors import OrdermillError
from ordermill.shared.events import Actor


def open_database(*, migrate: bool = True) -> Database:
    database = Database()
    if migrate:
        upgrade(database)
    return database


def cli_actor() -> Actor:
    """Changes made at the command line are attributed to the operating-system user."""
    return Actor("cli", None, f"cli:{getpass.getuser()}")


_console = Console()


def fail(error: OrdermillError) -> NoReturn:
    """Print a use case's refusal the way every command does, and exit 1."""
    _console.print(f"[red]{error.detail}[/red]")
    for field_error in error.errors:
        _console.print(f"  {field_error.field}: {field_error.message}")
    raise typer.Exit(1)
