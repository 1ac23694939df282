"""The routing engine: filters, scores, policies, and plans that never promise missing stock."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordermill.routing.domain import (
    Candidate,
    Criterion,
    Demand,
    Destination,
    Filter,
    Performance,
    Policy,
    Rule,
    RuleSet,
    haversine_km,
)
from ordermill.routing.engine import route

MUG, LID, TEA = 1, 2, 3
BERLIN, MUNICH, HAMBURG = (52.52, 13.405), (48.137, 11.575), (53.551, 9.993)
TO_BERLIN = Destination("DE", BERLIN)


def _lines(*units_of: tuple[int, int]) -> list[Demand]:
    return [Demand(index, units, {product: 1}) for index, (product, units) in enumerate(units_of)]


def test_great_circle_distances_match_known_ones() -> None:
    assert haversine_km((51.5074, -0.1278), (48.8566, 2.3522)) == pytest.approx(343.6, abs=0.5)
    assert haversine_km(BERLIN, BERLIN) == 0
    assert haversine_km((0.0, 0.0), (0.0, 180.0)) == pytest.approx(20015.1, abs=1)


def test_the_nearest_location_that_ships_everything_wins_and_says_why() -> None:
    plan = route(_lines((MUG, 2), (LID, 1)), TO_BERLIN, [
        Candidate("munich", 10, {MUG: 5, LID: 5}, MUNICH),
        Candidate("hamburg", 20, {MUG: 5, LID: 5}, HAMBURG),
        Candidate("berlin", 30, {MUG: 5}, BERLIN),
    ], RuleSet())
    assert plan.allocations == [(0, "hamburg", 2), (1, "hamburg", 1)]
    assert (plan.short, plan.held) == ({}, False)
    assert [c.location for c in plan.considered] == ["hamburg", "munich", "berlin"]
    hamburg = plan.considered[0]
    assert hamburg.scores[Criterion.DISTANCE] == pytest.approx(1 - (255.1 - 0) / 504.4, abs=0.01)
    assert plan.reason.startswith("hamburg ships every line, with the best score of the 2")


@pytest.mark.parametrize(("candidate", "excluded_by", "why"), [
    (Candidate("vienna", 1, {MUG: 9}, ships_to=frozenset({"AT"})), Filter.SHIPS_TO,
     "does not ship to DE"),
    (Candidate("vienna", 1, {MUG: 9}, capacity_left=0), Filter.CAPACITY,
     "daily order limit reached"),
    (Candidate("vienna", 1, {MUG: 9}, past_cutoff=True), Filter.CUTOFF,
     "past the carrier cut-off"),
    (Candidate("vienna", 1, {LID: 9}), Filter.STOCK, "no stock for any line"),
])
def test_a_filtered_location_is_listed_with_its_reason_and_ships_nothing(
        candidate: Candidate, excluded_by: Filter, why: str) -> None:
    plan = route(_lines((MUG, 1)), TO_BERLIN, [candidate, Candidate("far", 99, {MUG: 1})],
                 RuleSet())
    assert plan.allocations == [(0, "far", 1)]
    [vienna] = [c for c in plan.considered if c.location == "vienna"]
    assert (vienna.excluded_by, vienna.why_excluded) == (excluded_by, why)
    assert plan.considered[-1].location == "vienna"


def test_a_filter_the_channel_leaves_out_does_not_apply() -> None:
    late = Candidate("late", 1, {MUG: 1}, past_cutoff=True)
    rules = RuleSet(filters=frozenset(Filter) - {Filter.CUTOFF})
    assert route(_lines((MUG, 1)), TO_BERLIN, [late], rules).allocations == [(0, "late", 1)]


def test_the_best_record_wins_when_performance_is_the_rule() -> None:
    slow = Candidate("slow", 1, {MUG: 3}, performance=Performance(0.60, 30.0, 0.30))
    fast = Candidate("fast", 2, {MUG: 3}, performance=Performance(0.99, 6.0, 0.01))
    new = Candidate("new", 0, {MUG: 3})
    plan = route(_lines((MUG, 1)), TO_BERLIN, [slow, fast, new],
                 RuleSet(rules=(Rule(Criterion.PERFORMANCE),)))
    assert [c.location for c in plan.considered] == ["fast", "new", "slow"]
    assert plan.considered[0].scores[Criterion.PERFORMANCE] == pytest.approx((0.99 + 0.99 + 1) / 3)
    assert plan.considered[1].scores[Criterion.PERFORMANCE] == 0.5


def test_ties_fall_to_the_earlier_rule_then_the_location_code() -> None:
    a = Candidate("b-side", 5, {MUG: 1}, shipping_cost=500)
    b = Candidate("a-side", 5, {MUG: 1}, shipping_cost=500)
    plan = route(_lines((MUG, 1)), Destination("DE"), [a, b], RuleSet())
    assert plan.allocations == [(0, "a-side", 1)]


def test_without_a_complete_location_the_order_splits_over_the_fewest() -> None:
    plan = route(_lines((MUG, 2), (LID, 1), (TEA, 1)), TO_BERLIN, [
        Candidate("near", 1, {MUG: 2}, BERLIN),
        Candidate("mid", 2, {MUG: 2, LID: 1}, HAMBURG),
        Candidate("far", 3, {TEA: 1}, MUNICH),
    ], RuleSet())
    assert sorted(plan.allocations) == [(0, "mid", 2), (1, "mid", 1), (2, "far", 1)]
    assert plan.reason == "no location ships every line: split over the fewest locations: far, mid"


def test_allowing_splits_sends_each_line_to_the_best_location_that_has_it() -> None:
    plan = route(_lines((MUG, 2), (LID, 1)), TO_BERLIN, [
        Candidate("near", 1, {MUG: 1}, BERLIN),
        Candidate("far", 2, {MUG: 5, LID: 5}, MUNICH),
    ], RuleSet(rules=(Rule(Criterion.DISTANCE),), policy=Policy.ALLOW_SPLITS))
    assert plan.allocations == [(0, "near", 1), (0, "far", 1), (1, "far", 1)]


def test_holding_until_complete_places_nothing_when_no_location_can() -> None:
    plan = route(_lines((MUG, 2), (LID, 1)), TO_BERLIN, [
        Candidate("a", 1, {MUG: 2}), Candidate("b", 1, {LID: 1})],
        RuleSet(policy=Policy.HOLD_UNTIL_COMPLETE))
    assert (plan.allocations, plan.short, plan.held) == ([], {0: 2, 1: 1}, True)


def test_units_no_one_has_are_short_and_kits_take_their_parts() -> None:
    set_of_two = Demand(0, 3, {MUG: 2, LID: 1})
    plan = route([set_of_two], TO_BERLIN, [Candidate("a", 1, {MUG: 4, LID: 9})], RuleSet())
    assert (plan.allocations, plan.short) == ([(0, "a", 2)], {0: 1})


@st.composite
def _cases(draw: st.DrawFn) -> tuple[list[Demand], list[Candidate], RuleSet]:
    products = st.integers(1, 4)
    demands = [Demand(i, draw(st.integers(1, 6)),
                      draw(st.dictionaries(products, st.integers(1, 3), min_size=1, max_size=2)))
               for i in range(draw(st.integers(1, 4)))]
    candidates = [Candidate(f"loc{i}", draw(st.integers(0, 9)),
                            draw(st.dictionaries(products, st.integers(0, 12), max_size=4)),
                            capacity_left=draw(st.sampled_from([None, 0, 3])),
                            past_cutoff=draw(st.booleans()))
                  for i in range(draw(st.integers(0, 5)))]
    return demands, candidates, RuleSet(policy=draw(st.sampled_from(list(Policy))))


@settings(max_examples=300, deadline=None)
@given(_cases())
def test_a_plan_never_promises_stock_a_location_lacks_nor_uses_an_excluded_one(
        case: tuple[list[Demand], list[Candidate], RuleSet]) -> None:
    demands, candidates, rules = case
    plan = route(demands, Destination("DE"), candidates, rules)
    by_code = {c.location: c for c in candidates}
    by_line = {d.line_index: d for d in demands}
    taken: dict[tuple[str, int], int] = defaultdict(int)
    placed: dict[int, int] = defaultdict(int)
    excluded = {c.location for c in plan.considered if c.excluded_by is not None}
    for line, location, units in plan.allocations:
        assert units > 0 and location not in excluded
        placed[line] += units
        for product, per_unit in by_line[line].parts.items():
            taken[(location, product)] += units * per_unit
    for (location, product), units in taken.items():
        assert units <= by_code[location].free.get(product, 0)
    for demand in demands:
        assert placed[demand.line_index] + plan.short.get(demand.line_index, 0) == demand.units
    if rules.policy == Policy.HOLD_UNTIL_COMPLETE and plan.allocations:
        assert len({location for _, location, _ in plan.allocations}) == 1
