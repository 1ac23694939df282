"""Entry point of the `ordermill` command; each group lives in its own module."""

from __future__ import annotations

import logging
import os

import typer
import uvicorn
from rich.console import Console

from ordermill.cli import accounts, demo, inventory, layouts, orders
from ordermill.cli.context import open_database
from ordermill.db.migrate import upgrade
from ordermill.worker.relay import Relay

app = typer.Typer(help="ordermill: order management for businesses that sell online.",
                  no_args_is_help=True, pretty_exceptions_show_locals=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(accounts.users, name="users")
app.add_typer(accounts.keys, name="keys")
app.add_typer(orders.app, name="orders")
app.add_typer(inventory.app, name="inventory")
app.add_typer(layouts.app, name="layout")
app.command("demo")(demo.demo)
console = Console()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Run the migrations up to the newest schema."""
    database = open_database(migrate=False)
    upgrade(database)
    console.print(f"[green]Database is up to date[/green] ({database.engine.url!r})")


@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="address to listen on"),
          port: int = typer.Option(8000, help="port to listen on"),
          workers: int = typer.Option(1, help="web server processes"),
          threads: int = typer.Option(0, min=0, max=256, help=(
              "requests each process works on at once; 0 picks 8 for one process, "
              "4 for several")),
          with_worker: bool = typer.Option(True, help="deliver outbox events in-process")) -> None:
    """Serve the API and the staff console (and, by default, the outbox worker)."""
    from ordermill.web import THREADS_VARIABLE, build, threads_per_process

    database = open_database()
    if with_worker:
        from ordermill.worker.relay import start_in_thread

        start_in_thread(database)
    console.print(f"ordermill is serving at [bold]http://{host}:{port}/[/bold] "
                  f"(API docs at http://{host}:{port}/api/docs)")
    logging.basicConfig(level=logging.INFO)
    os.environ.setdefault("ORDERMILL_DATABASE_URL", database.url)
    threads = threads or threads_per_process(workers)
    if workers > 1:
        os.environ[THREADS_VARIABLE] = str(threads)
        uvicorn.run("ordermill.web:create", factory=True, host=host, port=port,
                    workers=workers, log_level="warning")
    else:
        uvicorn.run(build(database, threads=threads), host=host, port=port, log_level="warning")


@app.command()
def worker(once: bool = typer.Option(False, help="deliver what is due, then stop")) -> None:
    """Deliver outbox events to their handlers; run as many as you like."""
    import threading

    database = open_database()
    relay = Relay(database)
    if once:
        console.print(f"delivered {relay.drain()} events")
        return
    logging.basicConfig(level=logging.INFO)
    console.print("outbox worker running; Ctrl+C stops it")
    try:
        relay.run_forever(threading.Event())
    except KeyboardInterrupt:
        console.print("stopped")
