"""`ordermill demo`: load the demo data set with progress bars, then say how to sign in."""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from ordermill.cli.context import fail, open_database
from ordermill.db import outbox
from ordermill.db.engine import Database
from ordermill.demo.generate import DemoSummary, has_products, load_demo
from ordermill.shared.errors import Conflict
from ordermill.worker.relay import Relay

console = Console()
RELAY_BATCH = 200


class _Bars:
    """The demo's stages as Rich progress bars, one bar a stage."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None

    def stage(self, description: str, total: int) -> None:
        self._task = self._progress.add_task(description, total=total)

    def advance(self, steps: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, steps)


def demo(if_empty: bool = typer.Option(False, "--if-empty",
                                       help="do nothing if the database has products already"),
         days: int = typer.Option(180, min=1, max=730, help="days of order history"),
         seed: int = typer.Option(7, help="the same seed gives the same data"),
         scale: float = typer.Option(1.0, min=0.01, max=5.0,
                                     help="more or fewer skus, orders and customers")) -> None:
    """Load a realistic demo data set: locations, 200 skus with kits, five channels, stock,
    months of orders; prints an admin login and an admin API key."""
    database = open_database()
    if has_products(database):
        if if_empty:
            console.print("The database has products already; demo data not loaded. Sign in "
                          "with the login printed when it was loaded, or create one with "
                          "`ordermill users create`.")
            return
        fail(Conflict("the database has products already; the demo loads into an empty "
                      "database (use --if-empty to skip quietly)"))
    started = time.monotonic()
    with Progress(TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as progress:
        bars = _Bars(progress)
        summary = load_demo(database, days=days, seed=seed, scale=scale, progress=bars)
        _deliver_events(database, bars)
    _report(summary, time.monotonic() - started)


def _deliver_events(database: Database, bars: _Bars) -> None:
    """Run the outbox once, so channel listings and low-stock alerts exist right away."""
    with database.reading() as connection:
        bars.stage("Channel listings, alerts", outbox.pending_count(connection))
    bars.advance(Relay(database, batch_size=RELAY_BATCH).drain())


def _report(summary: DemoSummary, seconds: float) -> None:
    opened = summary.open_orders
    console.print(
        f"[green]Demo data loaded[/green] in {seconds:.1f} s: {summary.locations} locations in "
        f"{summary.countries} countries, {summary.products} products ({summary.kits} kits), "
        f"{summary.channels} channels, {summary.past_orders:,} fulfilled orders over "
        f"{summary.days} days, {len(opened.placed)} open orders ({opened.on_hold} on hold, "
        f"{opened.backordered} backordered, {opened.cancelled} cancelled, {opened.refused} "
        f"refused for lack of stock), {summary.customers:,} customers.")
    if summary.admin_password is None:
        console.print(f"The console user {summary.admin_email} existed already; its password "
                      "is unchanged.")
    else:
        console.print(f"Console login: [bold]{summary.admin_email}[/bold] with password "
                      f"[bold]{summary.admin_password}[/bold]")
    console.print("Admin API key (shown once; store it now):")
    print(summary.api_key)
