"""`ordermill layout import`: a location's floor plan, with its bins from a CSV file."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import typer
from rich.console import Console

from ordermill.cli.context import cli_actor, fail, open_database
from ordermill.db.uow import UnitOfWork
from ordermill.fulfillment import service
from ordermill.fulfillment.domain import BinFacts, LayoutFacts
from ordermill.fulfillment.warehouse import Spot
from ordermill.shared.errors import FieldError, OrdermillError, ValidationFailed

app = typer.Typer(help="Warehouse floor plans: aisles, depot and the bin of each sku.",
                  no_args_is_help=True)
console = Console()
COLUMNS = ("bin", "sku", "aisle", "position_m")


@app.command("import")
def import_layout(
        location: str = typer.Argument(..., help="the location's code"),
        bins_file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                         help=f"CSV with the columns {', '.join(COLUMNS)}"),
        aisles: int = typer.Option(..., help="number of parallel aisles, numbered from 0"),
        aisle_length: float = typer.Option(..., help="length of an aisle in metres"),
        aisle_spacing: float = typer.Option(..., help="metres between neighbouring aisles"),
        cross_aisles: int = typer.Option(2, help="cross aisles, front and back included"),
        depot_aisle: int = typer.Option(0, help="aisle of the depot (pack station)"),
        depot_position: float = typer.Option(0.0, help="metres from the front")) -> None:
    """Replace LOCATION's floor plan; every sku listed gets its bin there."""
    try:
        facts = LayoutFacts(aisles, aisle_length, aisle_spacing, cross_aisles,
                            Spot(depot_aisle, depot_position), _read_bins(bins_file))
        layout = service.set_layout(UnitOfWork(open_database(), cli_actor()), location, facts)
    except OrdermillError as error:
        fail(_by_line(error))
    console.print(f"{location}: {layout['aisle_count']} aisles, {len(layout['bins'])} bins")


def _read_bins(path: Path) -> list[BinFacts]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationFailed.on("file", f"missing column(s) {', '.join(missing)}")
        bins, errors = [], []
        for line, row in enumerate(reader, start=2):
            try:
                bins.append(BinFacts(row["bin"].strip(), row["sku"].strip(),
                                     int(row["aisle"]), float(row["position_m"])))
            except (TypeError, ValueError):
                errors.append(FieldError(f"line {line}", "aisle must be a whole number and "
                                                         "position_m a number"))
    if errors:
        raise ValidationFailed(f"{len(errors)} line(s) of {path.name} are not bins",
                               errors=errors)
    return bins


def _by_line(error: OrdermillError) -> OrdermillError:
    """Name the file's line where the use case names a bin by its index."""
    def renamed(field_error: FieldError) -> FieldError:
        found = re.match(r"bins\.(\d+)\.(\w+)$", field_error.field)
        if found is None:
            return field_error
        return FieldError(f"line {int(found[1]) + 2} {found[2]}", field_error.message)

    return type(error)(error.detail, errors=[renamed(e) for e in error.errors])
