"""Reserving stock rows together: all of them, or none."""

from __future__ import annotations

import sqlalchemy as sa

from ordermill.db.engine import Database
from ordermill.inventory import repository as inventory
from ordermill.inventory.tables import stock_levels
from tests import builders


def _levels(database: Database) -> dict[int, tuple[int, int]]:
    with database.reading() as connection:
        return {row.id: (row.on_hand, row.reserved) for row in connection.execute(
            sa.select(stock_levels.c.id, stock_levels.c.on_hand, stock_levels.c.reserved))}


def _shop(database: Database) -> list[int]:
    builders.location(database, "east")
    for sku, units in (("MUG", 5), ("LID", 1)):
        builders.product(database, sku)
        builders.stock(database, sku, "east", units)
    return sorted(_levels(database))


def test_every_row_is_reserved_when_each_has_the_units(database: Database) -> None:
    mug, lid = _shop(database)
    with database.write_connection() as connection, connection.begin():
        after = inventory.reserve(connection, [(lid, 1), (mug, 3)])
    assert after is not None
    assert [(level.on_hand, level.reserved) for level in after] == [(5, 3), (1, 1)]
    assert _levels(database) == {mug: (5, 3), lid: (1, 1)}


def test_one_short_row_leaves_every_row_as_it_was(database: Database) -> None:
    mug, lid = _shop(database)
    with database.write_connection() as connection, connection.begin():
        assert inventory.reserve(connection, [(mug, 3), (lid, 2)]) is None
    # Committed on purpose: the caller may go on in the same transaction.
    assert _levels(database) == {mug: (5, 0), lid: (1, 0)}
