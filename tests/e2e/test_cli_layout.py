"""`ordermill layout import`: a floor plan from options and a CSV of bins."""

from __future__ import annotations

from pathlib import Path

from ordermill.db.engine import Database
from ordermill.fulfillment.queries import get_layout
from tests import builders
from tests.e2e.conftest import Run

GEOMETRY = ["--aisles", "8", "--aisle-length", "25", "--aisle-spacing", "3.5"]


def _shop(database: Database) -> None:
    builders.location(database, "east")
    builders.product(database, "MUG")
    builders.product(database, "LID")


def _layout(database: Database) -> dict[str, object] | None:
    with database.reading() as connection:
        return get_layout(connection, "east")


def test_a_layout_is_imported_with_its_bins(database: Database, ordermill: Run,
                                            tmp_path: Path) -> None:
    _shop(database)
    bins = tmp_path / "bins.csv"
    bins.write_text("bin,sku,aisle,position_m\nA2-10,MUG,2,10.5\nA0-01,LID,0,1\n")
    result = ordermill("layout", "import", "east", str(bins), *GEOMETRY, "--depot-aisle", "4")
    assert result.exit_code == 0, result.output
    assert "east: 8 aisles, 2 bins" in result.output
    layout = _layout(database)
    assert layout is not None
    assert (layout["aisle_spacing_m"], layout["depot"], layout["bins"]) == (
        3.5, {"aisle": 4, "position_m": 0.0},
        [{"code": "A0-01", "sku": "LID", "aisle": 0, "position_m": 1.0},
         {"code": "A2-10", "sku": "MUG", "aisle": 2, "position_m": 10.5}])


def test_a_bad_bin_is_named_by_its_line_and_nothing_is_stored(
        database: Database, ordermill: Run, tmp_path: Path) -> None:
    _shop(database)
    bins = tmp_path / "bins.csv"
    bins.write_text("bin,sku,aisle,position_m\nA2-10,MUG,2,10.5\nA9-01,TEA,9,1\n")
    result = ordermill("layout", "import", "east", str(bins), *GEOMETRY)
    assert result.exit_code == 1
    assert "line 3 sku: unknown sku 'TEA'" in result.output
    assert "line 3 aisle: must be between 0 and 7" in result.output
    assert _layout(database) is None


def test_a_file_that_is_not_a_bin_list_is_refused(database: Database, ordermill: Run,
                                                  tmp_path: Path) -> None:
    _shop(database)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("bin,sku,shelf\nA1,MUG,3\n")
    result = ordermill("layout", "import", "east", str(wrong), *GEOMETRY)
    assert (result.exit_code, "missing column(s) aisle, position_m" in result.output) == (1, True)
    words = tmp_path / "words.csv"
    words.write_text("bin,sku,aisle,position_m\nA1,MUG,three,1\n")
    result = ordermill("layout", "import", "east", str(words), *GEOMETRY)
    assert (result.exit_code, "line 2: aisle must be a whole number" in result.output) == (1, True)
    assert _layout(database) is None
