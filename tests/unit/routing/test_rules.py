"""A channel's routing rules as the API gives them: checked field by field, every failing field
named at once, and the defaults filled in where a field is left out."""

from __future__ import annotations

from typing import Any

import pytest

from ordermill.routing.domain import (
    MAX_SPLIT_PENALTY,
    MAX_WEIGHT,
    Criterion,
    Filter,
    Policy,
    Rule,
    RuleSet,
    validate_rules,
)
from ordermill.shared.errors import ErrorCollector


def _checked(given: dict[str, Any]) -> tuple[RuleSet, dict[str, str]]:
    errors = ErrorCollector()
    rules = validate_rules(given, errors)
    return rules, {error.field: error.message for error in errors.errors}


def test_a_whole_rule_set_is_read_as_given() -> None:
    rules, errors = _checked({
        "policy": "allow_splits", "filters": ["has_stock", "cutoff"], "split_penalty": 250,
        "rules": [{"criterion": "shipping_cost", "weight": 2.5}, {"criterion": "distance",
                                                                 "weight": 1}]})

    assert errors == {}
    assert rules == RuleSet((Rule(Criterion.SHIPPING_COST, 2.5), Rule(Criterion.DISTANCE, 1.0)),
                            frozenset({Filter.STOCK, Filter.CUTOFF}), Policy.ALLOW_SPLITS, 250)


def test_what_is_left_out_takes_the_defaults() -> None:
    rules, errors = _checked({"rules": [{"criterion": "priority"}]})

    assert errors == {}
    assert rules == RuleSet((Rule(Criterion.PRIORITY, 1.0),), frozenset(Filter),
                            Policy.SHIP_COMPLETE, 500)


def test_the_order_of_the_rules_is_kept_for_breaking_ties() -> None:
    given = [{"criterion": str(criterion)} for criterion in reversed(Criterion)]

    rules, errors = _checked({"rules": given})

    assert errors == {}
    assert [rule.criterion for rule in rules.rules] == list(reversed(Criterion))


def test_the_bounds_themselves_are_allowed() -> None:
    rules, errors = _checked({"rules": [{"criterion": "distance", "weight": 0},
                                        {"criterion": "priority", "weight": MAX_WEIGHT}],
                              "filters": [], "split_penalty": MAX_SPLIT_PENALTY})

    assert errors == {}
    assert [rule.weight for rule in rules.rules] == [0.0, 100.0]
    assert (rules.filters, rules.split_penalty) == (frozenset(), MAX_SPLIT_PENALTY)


@pytest.mark.parametrize(("given", "field"), [
    ({"policy": "cheapest"}, "policy"),
    ({"policy": None}, "policy"),
    ({"rules": None}, "rules"),
    ({"rules": []}, "rules"),
    ({"rules": "distance"}, "rules"),
    ({"rules": [{"criterion": "distance"}] * 6}, "rules"),
    ({"rules": [{"criterion": "speed"}]}, "rules.0.criterion"),
    ({"rules": [{"weight": 1}]}, "rules.0.criterion"),
    ({"rules": ["distance"]}, "rules.0.criterion"),
    ({"rules": [{"criterion": "distance"}, {"criterion": "distance"}]}, "rules.1.criterion"),
    ({"rules": [{"criterion": "distance", "weight": -0.1}]}, "rules.0.weight"),
    ({"rules": [{"criterion": "distance", "weight": 100.01}]}, "rules.0.weight"),
    ({"rules": [{"criterion": "distance", "weight": True}]}, "rules.0.weight"),
    ({"rules": [{"criterion": "distance", "weight": "2"}]}, "rules.0.weight"),
    ({"rules": [{"criterion": "distance", "weight": None}]}, "rules.0.weight"),
    ({"filters": ["weather"]}, "filters"),
    ({"filters": "has_stock"}, "filters"),
    ({"split_penalty": -1}, "split_penalty"),
    ({"split_penalty": MAX_SPLIT_PENALTY + 1}, "split_penalty"),
    ({"split_penalty": 1.5}, "split_penalty"),
    ({"split_penalty": False}, "split_penalty"),
])
def test_a_wrong_field_is_named_and_the_defaults_are_returned(given: dict[str, Any],
                                                              field: str) -> None:
    rules, errors = _checked({"rules": [{"criterion": "priority"}], **given})

    assert list(errors) == [field]
    assert rules == RuleSet()


def test_every_wrong_field_is_named_at_once() -> None:
    _, errors = _checked({"policy": "fastest", "split_penalty": -5, "filters": ["x"],
                          "rules": [{"criterion": "distance", "weight": 500},
                                    {"criterion": "speed"}, {"criterion": "priority"},
                                    {"criterion": "priority"}]})

    assert errors == {
        "policy": "one of ship_complete, allow_splits, hold_until_complete",
        "rules.0.weight": "a number from 0 to 100",
        "rules.1.criterion": "one of fewest_shipments, distance, shipping_cost, priority, "
                             "performance",
        "rules.3.criterion": "priority is already in the list",
        "filters": "a list from ships_to_destination, has_stock, capacity, cutoff",
        "split_penalty": "minor units from 0 to 10000000",
    }


def test_a_missing_rule_list_is_an_error_not_a_default() -> None:
    _, errors = _checked({"policy": "ship_complete"})

    assert list(errors) == ["rules"]


def test_the_same_filter_twice_counts_once() -> None:
    rules, errors = _checked({"rules": [{"criterion": "distance"}],
                              "filters": ["cutoff", "cutoff"]})

    assert errors == {}
    assert rules.filters == frozenset({Filter.CUTOFF})
