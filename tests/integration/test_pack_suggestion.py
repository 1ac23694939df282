"""The box the pack station shows before weighing is the box packing then chooses."""

from __future__ import annotations

import pytest

from ordermill.db.engine import Database
from ordermill.fulfillment import pack_station
from ordermill.fulfillment.pack_station import pack_fulfillment_order
from ordermill.shared.errors import NotFound
from tests import builders
from tests.e2e.floor_world import floor, fulfillment_order_of, order


def _suggested(database: Database, fulfillment_order_id: int,
               scope: frozenset[int] | None = None) -> dict[str, object]:
    with database.reading() as connection:
        return pack_station.suggested_boxes(connection, fulfillment_order_id, scope)


def test_the_suggestion_before_packing_is_the_choice_packing_makes(database: Database) -> None:
    floor(database)
    fo_id = fulfillment_order_of(order(database, "A-1", {"MUG": 2, "LID": 1}))

    before = _suggested(database, fo_id)
    packed = pack_fulfillment_order(builders.uow(database), fulfillment_order_id=fo_id,
                                    scans=["MUG", "MUG", "LID"], weight_grams=870)

    assert before["boxes"] == ["M"]
    assert before == packed["box_suggestion"]


def test_a_location_without_boxes_is_told_so_and_others_see_nothing(
        database: Database) -> None:
    floor(database)
    fo_id = fulfillment_order_of(order(database, "A-1", {"JUG": 1}), "west")

    assert _suggested(database, fo_id)["reason"] == (
        "location west has no boxes; packed without one")
    with pytest.raises(NotFound) as refused:
        _suggested(database, fo_id, scope=frozenset())  # a user of no location
    assert refused.value.detail == f"fulfillment order {fo_id} not found"
