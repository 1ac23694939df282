"""`ordermill inventory ...`: receive, adjust and count stock; each prints the new level."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console

from ordermill.cli.context import cli_actor, fail, open_database
from ordermill.db.uow import UnitOfWork
from ordermill.inventory import service
from ordermill.shared.errors import OrdermillError

app = typer.Typer(help="Stock per sku and location; every change goes to the ledger.",
                  no_args_is_help=True)
console = Console()

SKU = typer.Option(..., help="the product's sku")
LOCATION = typer.Option(..., help="the location's code")


def _run(use_case: Callable[..., dict[str, Any]], **arguments: Any) -> dict[str, Any]:
    database = open_database()
    try:
        level = use_case(UnitOfWork(database, cli_actor()), **arguments)
    except OrdermillError as error:
        fail(error)
    console.print(f"{level['sku']} at {level['location']}: on hand {level['on_hand']}, "
                  f"reserved {level['reserved']}, safety stock {level['safety_stock']}, "
                  f"available {level['available']}")
    return level


@app.command("receive")
def receive(sku: str = SKU, location: str = LOCATION,
            quantity: int = typer.Option(..., help="units that arrived"),
            reason: str | None = typer.Option(None, help="a note for the ledger"),
            reference: str | None = typer.Option(None, help="purchase order or delivery note")
            ) -> None:
    """Book units that arrived at a location."""
    _run(service.receive_stock, sku=sku, location=location, quantity=quantity, reason=reason,
         reference=reference)


@app.command("adjust")
def adjust(sku: str = SKU, location: str = LOCATION,
           quantity: int = typer.Option(..., help="units to add, or negative to remove "
                                                  "(--quantity=-2)"),
           reason: str = typer.Option(..., help="damaged, lost, found, expired, theft, "
                                                "correction, sample, other or your words")
           ) -> None:
    """Add or remove units with a reason."""
    _run(service.adjust_stock, sku=sku, location=location, quantity=quantity, reason=reason)


@app.command("count")
def count(sku: str = SKU, location: str = LOCATION,
          quantity: int = typer.Option(..., help="units counted on the shelf"),
          reason: str | None = typer.Option(None, help="defaults to 'cycle count'")) -> None:
    """Set on-hand to what was counted; the difference goes to the ledger."""
    level = _run(service.count_stock, sku=sku, location=location, quantity=quantity,
                 reason=reason)
    console.print(f"difference {level['difference']:+d}")
