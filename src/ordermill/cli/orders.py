"""`ordermill orders ...`: find orders, read one in full, cancel all or part of one."""

from __future__ import annotations

from typing import Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from ordermill.cli.context import cli_actor, fail, open_database
from ordermill.db.uow import UnitOfWork
from ordermill.orders import queries, service
from ordermill.orders.domain import parse_order_number
from ordermill.shared.errors import NotFound, OrdermillError
from ordermill.shared.money import Money

app = typer.Typer(help="Orders from every channel.", no_args_is_help=True)
console = Console()


def _money(amount: int, currency: str) -> str:
    return Money(amount, currency).format()


def _order_id(reference: str) -> int:
    """An order by its id (42) or its number (OM-000042)."""
    order_id = int(reference) if reference.isdigit() else parse_order_number(reference)
    if order_id is None:
        raise typer.BadParameter(f"{reference!r} is neither an order id nor a number like "
                                 "OM-000042")
    return order_id


def _line_cancellation(text: str) -> service.LineCancellation:
    line_id, _, quantity = text.partition(":")
    if not line_id.isdigit() or not (quantity == "" or quantity.isdigit()):
        raise typer.BadParameter(f"{text!r}: expected LINE_ID or LINE_ID:QUANTITY")
    return service.LineCancellation(int(line_id), int(quantity) if quantity else None)


@app.command("list")
def list_orders(status: str | None = typer.Option(None, help="pending, confirmed, on_hold, "
                                                              "completed, cancelled, ..."),
                channel: str | None = typer.Option(None, help="channel code"),
                email: str | None = typer.Option(None, help="the customer's email"),
                sku: str | None = typer.Option(None, help="orders with a line of this sku"),
                limit: int = typer.Option(50, min=1, max=500, help="how many, newest first"),
                ) -> None:
    """Orders, newest first."""
    database = open_database()
    with database.reading() as connection:
        items, _ = queries.list_orders(connection, status=status, channel=channel, email=email,
                                       sku=sku, limit=limit)
    rows = [[item["number"], item["placed_at"][:16].replace("T", " "), item["channel"],
             item["status"], _money(item["total"], item["currency"]),
             item["customer"]["email"]] for item in items]
    console.print(_table(["number", "placed", "channel", "status", "total", "customer"], rows,
                         shrinks="customer"))
    console.print(f"{len(items)} orders shown")


@app.command("show")
def show_order(reference: str = typer.Argument(..., metavar="ID_OR_NUMBER",
                                               help="42 or OM-000042")) -> None:
    """One order: lines, reservations, totals, holds and timeline."""
    order_id = _order_id(reference)
    database = open_database()
    try:
        with database.reading() as connection:
            order = _existing(queries.get_order(connection, order_id), reference)
            timeline = queries.order_timeline(connection, order_id)
    except OrdermillError as error:
        fail(error)
    _print_header(order)
    _print_lines(order)
    _print_totals(order)
    for hold in order["holds"]:
        console.print(f"[yellow]on hold[/yellow] #{hold['id']}: {hold['reason']}"
                      f"{' - ' + hold['note'] if hold['note'] else ''} "
                      f"(by {hold['placed_by']}, {hold['placed_at']})")
    console.print("[bold]Timeline[/bold]")
    for entry in timeline:
        console.print(f"  {entry['occurred_at']}  {entry['type']}  {entry['actor']}")


def _existing(order: dict[str, Any] | None, reference: str) -> dict[str, Any]:
    if order is None:
        raise NotFound(f"order {reference} not found")
    return order


def _print_header(order: dict[str, Any]) -> None:
    customer = order["customer"]
    address = order["shipping_address"]
    console.print(f"[bold]{order['number']}[/bold] (id {order['id']}) from {order['channel']} "
                  f"as {order['external_id']}, placed {order['placed_at']}")
    console.print(f"status {order['status']}, payment {order['payment_status']}, "
                  f"fulfillment {order['fulfillment_status']}, terms {order['payment_terms']}")
    console.print(f"customer {customer['name'] or ''} <{customer['email']}>")
    console.print("ship to " + ", ".join(
        part for part in (address.get("name"), address.get("line1"), address.get("city"),
                          address.get("postal_code"), address.get("country")) if part))


def _print_lines(order: dict[str, Any]) -> None:
    rows = [[str(line["id"]), line["sku"], line["name"], _units(line),
             _money(line["unit_price"], order["currency"]),
             _money(line["total"], order["currency"])] for line in order["lines"]]
    console.print(_table(["line", "sku", "name", "units", "unit price", "total"], rows,
                         shrinks="name"))


def _table(headers: list[str], rows: list[list[str]], *, shrinks: str) -> Table:
    """A table whose one `shrinks` column gives way on a narrow terminal; the others keep
    their full width, so numbers and money are never cut."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for index, header in enumerate(headers):
        if header == shrinks:
            table.add_column(header, overflow="ellipsis", min_width=8)
        else:
            width = max(len(header), *(len(row[index]) for row in rows)) if rows else None
            table.add_column(header, no_wrap=True, min_width=width)
    for row in rows:
        table.add_row(*row)
    return table


def _units(line: dict[str, Any]) -> str:
    """How many, and where they stand: reserved where, backordered, cancelled."""
    parts = [f"{r['quantity']} at {r['location']}" for r in line["reservations"]]
    if line["backordered_quantity"]:
        parts.append(f"{line['backordered_quantity']} backordered")
    if line["cancelled_quantity"]:
        parts.append(f"{line['cancelled_quantity']} cancelled")
    return f"{line['quantity']}: " + ", ".join(parts) if parts else str(line["quantity"])


def _print_totals(order: dict[str, Any]) -> None:
    totals, currency = order["totals"], order["currency"]
    console.print("  ".join(f"{name} {_money(totals[name], currency)}" for name in
                            ("subtotal", "discount", "tax", "shipping", "total")))


@app.command("cancel")
def cancel_order(reference: str = typer.Argument(..., metavar="ID_OR_NUMBER",
                                                 help="42 or OM-000042"),
                 line: list[str] = typer.Option([], help="LINE_ID:QUANTITY, or LINE_ID for "
                                                        "all its open units; repeat. "
                                                        "Without it the whole order is "
                                                        "cancelled."),
                 reason: str | None = typer.Option(None, help="why, for the timeline")) -> None:
    """Cancel an order or some units of its lines; their reserved stock is released."""
    order_id = _order_id(reference)
    lines = [_line_cancellation(text) for text in line] or None
    database = open_database()
    try:
        order = service.cancel_order(UnitOfWork(database, cli_actor()), order_id=order_id,
                                     lines=lines, reason=reason)
    except OrdermillError as error:
        fail(error)
    console.print(f"{order['number']} is now {order['status']} "
                  f"(fulfillment {order['fulfillment_status']})")
    for order_line in order["lines"]:
        console.print(f"  line {order_line['id']} {order_line['sku']}: "
                      f"{order_line['cancelled_quantity']} of {order_line['quantity']} "
                      f"cancelled, {order_line['allocated_quantity']} reserved")
