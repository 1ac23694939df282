"""The pack station's box choice: the box the units go in, with a real placement of each unit
checked against its geometry and, for a few units, a brute force."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordermill.fulfillment.packing import (
    BoxChoice,
    BoxType,
    Item,
    Placement,
    Rejection,
    Why,
    suggest_box,
)

Size = tuple[int, int, int]


SMALL = BoxType("S", 200, 150, 100, 5_000)
MEDIUM = BoxType("M", 300, 200, 150, 10_000)
LARGE = BoxType("L", 400, 300, 300, 20_000)


def test_the_smallest_box_that_takes_everything_is_suggested() -> None:
    items = [Item(100, 100, 100, 500, quantity=2, sku="MUG")]

    choice = suggest_box([LARGE, MEDIUM, SMALL], items)

    assert choice is not None
    assert [(packed.box.code, packed.units, packed.weight_g) for packed in choice.boxes] == [
        ("S", {0: 2}, 1_000)]
    assert choice.rejected == []
    assert choice.weight_only == []


def test_each_smaller_box_says_why_it_cannot_take_everything() -> None:
    items = [Item(280, 120, 100, 4_000, sku="KETTLE"), Item(100, 100, 100, 1_500, sku="MUG")]
    # Smallest first: room enough by volume but not by shape, too heavy, the kettle too long.
    tight = BoxType("C", 290, 130, 130, 10_000)
    weak = BoxType("A", 220, 220, 220, 5_000)
    short = BoxType("B", 250, 250, 250, 10_000)
    roomy = BoxType("D", 300, 300, 300, 10_000)

    choice = suggest_box([roomy, short, weak, tight], items)

    assert choice is not None
    assert [packed.box.code for packed in choice.boxes] == ["D"]
    assert choice.rejected == [
        Rejection("C", Why.COULD_NOT_PACK, "no arrangement of the units was found"),
        Rejection("A", Why.TOO_HEAVY, "5500 g is more than 5000 g"),
        Rejection("B", Why.ITEM_TOO_LARGE, "KETTLE fits no way round"),
    ]


def test_units_that_fit_by_volume_but_not_by_shape_could_not_pack() -> None:
    cube = BoxType("CUBE", 100, 100, 100, 10_000)
    # Two 60 mm cubes take 43% of the box, yet side by side they need 120 mm somewhere.
    two = suggest_box([cube], [Item(60, 60, 60, 100, quantity=2)])
    # Nine 40 mm cubes take 58%, yet only two fit along each side: eight at most.
    nine = suggest_box([cube], [Item(40, 40, 40, 100, quantity=9)])

    assert two is not None and nine is not None
    assert two.rejected == nine.rejected == [
        Rejection("CUBE", Why.COULD_NOT_PACK, "no arrangement of the units was found")]


def test_units_taking_more_room_than_the_box_are_turned_away_by_volume() -> None:
    choice = suggest_box([SMALL, LARGE], [Item(100, 100, 100, 100, quantity=4)])

    assert choice is not None
    assert choice.rejected == [Rejection("S", Why.COULD_NOT_PACK,
                                         "the units take 4000000 mm³, the box holds 3000000 mm³")]


def test_a_long_item_is_turned_to_lie_in_a_flat_box() -> None:
    flat = BoxType("FLAT", 300, 100, 50, 1_000)

    choice = suggest_box([flat], [Item(50, 300, 100, 400, sku="POSTER")])

    assert choice is not None
    assert choice.boxes[0].placements == [Placement(0, 0, 0, 0, 300, 100, 50)]


def test_three_units_that_pack_only_one_way_are_found_to_fit() -> None:
    # Found by search: first fit decreasing misses this arrangement; the exact search for a
    # few units does not.
    tight = BoxType("TIGHT", 7, 6, 4, 1_000)
    items = [Item(4, 4, 3, 1), Item(4, 1, 1, 1), Item(3, 5, 4, 1)]

    choice = suggest_box([tight], items)

    assert choice is not None
    assert [packed.box.code for packed in choice.boxes] == ["TIGHT"]
    _assert_geometry(choice, items)


def test_items_without_dimensions_go_in_by_weight_and_the_choice_says_so() -> None:
    items = [Item(100, 100, 100, 1_000, sku="MUG"), Item(None, 50, None, 4_500, sku="SOAP")]

    choice = suggest_box([SMALL, MEDIUM], items)

    assert choice is not None
    assert choice.weight_only == [1]
    assert [(packed.box.code, packed.units) for packed in choice.boxes] == [("M", {0: 1, 1: 1})]
    assert [placement.item for placement in choice.boxes[0].placements] == [0]
    assert choice.rejected == [Rejection("S", Why.TOO_HEAVY, "5500 g is more than 5000 g")]


def test_what_no_box_takes_alone_fills_the_fewest_boxes_and_the_last_is_smaller() -> None:
    small = BoxType("S", 100, 100, 100, 10_000)
    large = BoxType("L", 200, 200, 100, 10_000)

    choice = suggest_box([small, large], [Item(100, 100, 100, 1_000, quantity=9)])

    assert choice is not None
    assert [(packed.box.code, packed.units) for packed in choice.boxes] == [
        ("L", {0: 4}), ("L", {0: 4}), ("S", {0: 1})]
    assert [rejection.box for rejection in choice.rejected] == ["S", "L"]


def test_units_too_heavy_for_one_box_are_spread_by_weight() -> None:
    box = BoxType("B", 500, 500, 500, 5_000)

    choice = suggest_box([box], [Item(50, 50, 50, 2_000, quantity=3)])

    assert choice is not None
    assert [(packed.units, packed.weight_g) for packed in choice.boxes] == [
        ({0: 2}, 4_000), ({0: 1}, 2_000)]
    assert choice.rejected == [Rejection("B", Why.TOO_HEAVY, "6000 g is more than 5000 g")]


@pytest.mark.parametrize("item", [Item(500, 10, 10, 100), Item(10, 10, 10, 30_000),
                                  Item(None, None, None, 30_000)])
def test_an_item_that_fits_no_box_on_its_own_gets_no_suggestion(item: Item) -> None:
    assert suggest_box([SMALL, LARGE], [Item(10, 10, 10, 100), item]) is None


@pytest.mark.parametrize("item", [Item(0, 10, 10, 100), Item(10, 10, 10, -1),
                                  Item(10, 10, 10, 100, quantity=0)])
def test_an_item_without_a_size_weight_or_units_is_refused(item: Item) -> None:
    with pytest.raises(ValueError, match="item 1"):
        suggest_box([SMALL], [item])


def _overlap(a: Placement, b: Placement) -> bool:
    return all(a.start[axis] < b.end[axis] and b.start[axis] < a.end[axis] for axis in range(3))


def _assert_geometry(choice: BoxChoice, items: list[Item]) -> None:
    """Every unit in exactly one box, within the weight, inside the box and apart from the rest,
    turned but unchanged in size."""
    for item_index, item in enumerate(items):
        assert sum(packed.units.get(item_index, 0) for packed in choice.boxes) == item.quantity
    for packed in choice.boxes:
        assert packed.weight_g == sum(items[i].weight_g * n for i, n in packed.units.items())
        assert packed.weight_g <= packed.box.max_weight_g
        sized = {i: n for i, n in packed.units.items() if items[i].size is not None}
        assert sorted(p.item for p in packed.placements) == sorted(
            i for i, n in sized.items() for _ in range(n))
        for placement in packed.placements:
            assert min(placement.start) >= 0
            assert all(placement.end[axis] <= packed.box.size[axis] for axis in range(3))
            size = items[placement.item].size
            assert size is not None
            assert sorted(size) == sorted((placement.length_mm, placement.width_mm,
                                           placement.height_mm))
        for a, b in itertools.combinations(packed.placements, 2):
            assert not _overlap(a, b)


@st.composite
def _item(draw: st.DrawFn) -> Item:
    dims: list[int | None] = [draw(st.integers(5, 60)) for _ in range(3)]
    if draw(st.integers(0, 9)) == 0:  # now and then a dimension nobody measured
        dims[draw(st.integers(0, 2))] = None
    return Item(dims[0], dims[1], dims[2], weight_g=draw(st.integers(0, 1_500)),
                quantity=draw(st.integers(1, 6)))


@st.composite
def _shipments(draw: st.DrawFn) -> tuple[list[BoxType], list[Item]]:
    side = st.integers(20, 80)
    boxes = [BoxType(f"B{i}", draw(side), draw(side), draw(side), draw(st.integers(0, 6_000)))
             for i in range(draw(st.integers(1, 4)))]
    items = [draw(_item()) for _ in range(draw(st.integers(1, 4)))]
    return boxes, items


@settings(max_examples=200, deadline=None)
@given(_shipments())
def test_every_unit_lands_once_within_the_weight_inside_its_box_and_apart(
        shipment: tuple[list[BoxType], list[Item]]) -> None:
    boxes, items = shipment

    choice = suggest_box(boxes, items)

    if choice is None:
        assert any(not any(_fits_alone(box, item) for box in boxes) for item in items)
        return
    _assert_geometry(choice, items)
    assert choice.weight_only == [i for i, item in enumerate(items) if item.size is None]
    chosen = choice.boxes[0].box
    ordered = sorted(boxes, key=lambda box: (box.volume_mm3, box.code))
    if len(choice.boxes) == 1:
        assert [r.box for r in choice.rejected] == [b.code for b in ordered[:ordered.index(chosen)]]
    else:
        assert [r.box for r in choice.rejected] == [box.code for box in ordered]


def _fits_alone(box: BoxType, item: Item) -> bool:
    size = item.size
    return item.weight_g <= box.max_weight_g and (size is None or any(
        all(turn[axis] <= box.size[axis] for axis in range(3))
        for turn in itertools.permutations(size)))


def _brute_force_packs(box: BoxType, sizes: list[Size]) -> bool:
    """Every turn of every unit, at every corner a packing pushed into the box's corner could
    use: on each axis 0 or a sum of other units' lengths along it (normal patterns)."""
    turnings = [sorted(set(itertools.permutations(size))) for size in sizes]
    return any(_places(box.size, [(a, b, c) for a, b, c in turned], [])
               for turned in itertools.product(*turnings))


def _places(space: Size, turned: list[Size], corners: list[Size]) -> bool:
    unit = len(corners)
    if unit == len(turned):
        return True
    size, others = turned[unit], turned[:unit] + turned[unit + 1:]

    def offsets(axis: int) -> list[int]:
        sums = {sum(other[axis] for other in chosen) for count in range(len(others) + 1)
                for chosen in itertools.combinations(others, count)}
        return sorted(offset for offset in sums if offset + size[axis] <= space[axis])

    for corner in itertools.product(offsets(0), offsets(1), offsets(2)):
        apart = all(any(corner[axis] >= c[axis] + turned[i][axis] or
                        c[axis] >= corner[axis] + size[axis] for axis in range(3))
                    for i, c in enumerate(corners))
        if apart and _places(space, turned, [*corners, corner]):
            return True
    return False


@st.composite
def _few_units(draw: st.DrawFn) -> tuple[list[BoxType], list[Item]]:
    side = st.integers(1, 7)
    boxes = [BoxType(f"B{i}", draw(side), draw(side), draw(side), draw(st.integers(0, 40)))
             for i in range(draw(st.integers(1, 4)))]
    quantities = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3).filter(
        lambda quantities: sum(quantities) <= 3))
    length = st.integers(1, 5)
    items = [Item(draw(length), draw(length), draw(length), draw(st.integers(0, 8)), quantity)
             for quantity in quantities]
    return boxes, items


@settings(max_examples=300, deadline=None)
@given(_few_units())
def test_for_a_few_units_the_suggested_box_is_the_smallest_a_brute_force_accepts(
        shipment: tuple[list[BoxType], list[Item]]) -> None:
    boxes, items = shipment
    sizes = [size for item in items if (size := item.size) for _ in range(item.quantity)]
    weight = sum(item.weight_g * item.quantity for item in items)

    choice = suggest_box(boxes, items)

    accepted = [box for box in sorted(boxes, key=lambda box: (box.volume_mm3, box.code))
                if weight <= box.max_weight_g and _brute_force_packs(box, sizes)]
    if accepted:
        assert choice is not None
        assert [packed.box for packed in choice.boxes] == [accepted[0]]
        _assert_geometry(choice, items)
    else:
        assert choice is None or len(choice.boxes) > 1
