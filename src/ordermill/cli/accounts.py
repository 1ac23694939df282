"""`ordermill users ...` and `ordermill keys ...`: people and integration keys."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from ordermill.accounts import repository, service
from ordermill.cli.context import cli_actor, fail, open_database
from ordermill.db.uow import UnitOfWork
from ordermill.shared.errors import OrdermillError

users = typer.Typer(help="Staff accounts.", no_args_is_help=True)
keys = typer.Typer(help="API keys for integrations and scripts.", no_args_is_help=True)
console = Console()


@users.command("create")
def create_user(email: str = typer.Option(...), name: str = typer.Option(...),
                role: str = typer.Option(..., help="admin, manager, warehouse, support, "
                                                   "finance or analyst"),
                password: str = typer.Option(..., prompt=True, hide_input=True,
                                             confirmation_prompt=True),
                location: list[str] = typer.Option([], help="for warehouse users; repeat")) -> None:
    """Create a staff user who signs in to the console."""
    database = open_database()
    try:
        user_id = service.create_user(UnitOfWork(database, cli_actor()), email=email, name=name,
                                      role=role, password=password, locations=location)
    except OrdermillError as error:
        fail(error)
    console.print(f"created user {user_id} ({email}, {role})")


@keys.command("create")
def create_key(role: str = typer.Option(..., help="admin, manager, warehouse, support, "
                                                  "finance, analyst or integration"),
               name: str = typer.Option("api key", help="what the key is for"),
               channel: str | None = typer.Option(None, help="integration keys: their channel"),
               location: list[str] = typer.Option([], help="warehouse keys; repeat")) -> None:
    """Create an API key. It is shown once, on the last line; only its hash is kept."""
    database = open_database()
    try:
        issued = service.create_api_key(UnitOfWork(database, cli_actor()), name=name, role=role,
                                        channel=channel, locations=location)
    except OrdermillError as error:
        fail(error)
    console.print(f"created key {issued.id} ({issued.display_prefix}…); store it now, "
                  "it is not shown again:")
    print(issued.key)


@keys.command("revoke")
def revoke_key(key_id: int = typer.Argument(..., help="the key's id from `keys list`")) -> None:
    """Revoke a key at once; requests with it are refused from now on."""
    database = open_database()
    try:
        service.revoke_api_key(UnitOfWork(database, cli_actor()), key_id=key_id)
    except OrdermillError as error:
        fail(error)
    console.print(f"revoked key {key_id}")


@keys.command("list")
def list_keys() -> None:
    """The keys there are, by prefix; never the keys themselves."""
    database = open_database()
    table = Table("id", "name", "prefix", "role", "channel", "created", "revoked")
    with database.reading() as connection:
        for row in repository.list_keys(connection):
            table.add_row(str(row.id), row.name, row.display_prefix, row.role,
                          row.channel or "", str(row.created_at)[:19],
                          str(row.revoked_at or "")[:19])
    console.print(table)
