"""Walking between spots, and the two common routes a shortest route is measured against."""

from __future__ import annotations

import pytest

from ordermill.fulfillment.warehouse import (
    Aisles,
    Spot,
    largest_gap_length,
    s_shape_length,
    walking_distance,
)

FLOOR = Aisles(count=6, length_m=20.0, spacing_m=4.0)


@pytest.mark.parametrize(("start", "end", "metres"), [
    (Spot(1, 5.0), Spot(1, 12.0), 7.0),     # along the aisle
    (Spot(1, 5.0), Spot(3, 2.0), 8 + 7.0),  # out at the front
    (Spot(1, 15.0), Spot(4, 18.0), 12 + 7.0),  # out at the back
])
def test_a_walk_leaves_an_aisle_by_its_nearer_end(start: Spot, end: Spot,
                                                 metres: float) -> None:
    assert walking_distance(FLOOR, start, end) == pytest.approx(metres)
    assert walking_distance(FLOOR, end, start) == pytest.approx(metres)


def test_s_shape_walks_every_aisle_through_and_the_odd_last_one_from_the_front() -> None:
    picks = [Spot(1, 2.0), Spot(2, 18.0), Spot(4, 6.0)]
    # Out to aisle 4 and back (16 m each way), aisles 1 and 2 through, 6 m into aisle 4.
    assert s_shape_length(FLOOR, Spot(0, 0.0), picks) == pytest.approx(32 + 40 + 12)


def test_largest_gap_leaves_out_each_middle_aisles_largest_gap() -> None:
    picks = [Spot(1, 2.0), Spot(2, 3.0), Spot(2, 17.0), Spot(3, 15.0), Spot(4, 6.0)]
    # Aisles 1 and 4 through; aisle 2 skips 3..17 (14 m), aisle 3 skips 0..15 (15 m).
    assert largest_gap_length(FLOOR, Spot(0, 0.0), picks) == pytest.approx(
        32 + 40 + 2 * (20 - 14) + 2 * (20 - 15))


def test_the_depot_inside_an_aisle_is_left_by_the_front() -> None:
    assert s_shape_length(FLOOR, Spot(0, 5.0), [Spot(0, 8.0)]) == pytest.approx(10 + 16)
