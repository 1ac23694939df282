"""Kits: how their components are validated and how many whole kits the stock allows."""

from __future__ import annotations

import pytest

from ordermill.catalog.domain import (
    MAX_KIT_COMPONENTS,
    KitComponent,
    ProductFacts,
    kit_units_available,
    validate_components,
    validate_product,
)
from ordermill.shared.errors import ErrorCollector, FieldError

MUG, LID, SLEEVE = 1, 2, 3


def _component_errors(sku: str, components: list[KitComponent]) -> list[FieldError]:
    collector = ErrorCollector()
    validate_components(sku, components, collector)
    return collector.errors


def test_a_kit_of_distinct_components_in_sensible_quantities_is_valid() -> None:
    assert _component_errors("GIFT-SET", [KitComponent("MUG", 2), KitComponent("LID", 1)]) == []


def test_a_kit_cannot_contain_itself() -> None:
    assert _component_errors("GIFT-SET", [KitComponent("MUG", 1),
                                          KitComponent("GIFT-SET", 1)]) == [
        FieldError("components.1.sku", "a kit cannot contain itself")]


def test_a_component_listed_twice_is_refused_at_its_second_place() -> None:
    assert _component_errors("GIFT-SET", [KitComponent("MUG", 1), KitComponent("LID", 1),
                                          KitComponent("MUG", 2)]) == [
        FieldError("components.2.sku", "listed twice")]


@pytest.mark.parametrize("quantity", [0, -1, 10_001])
def test_each_component_quantity_is_between_1_and_10000(quantity: int) -> None:
    assert _component_errors("GIFT-SET", [KitComponent("MUG", quantity)]) == [
        FieldError("components.0.quantity", "must be between 1 and 10000")]


def test_a_kit_has_at_most_fifty_components() -> None:
    at_limit = [KitComponent(f"PART-{i}", 1) for i in range(MAX_KIT_COMPONENTS)]
    over_limit = [*at_limit, KitComponent("ONE-MORE", 1)]

    assert _component_errors("BIG-KIT", at_limit) == []
    assert _component_errors("BIG-KIT", over_limit) == [
        FieldError("components", "a kit has at most 50 components")]


def test_a_product_with_a_bad_component_reports_it_with_its_other_errors() -> None:
    facts = ProductFacts(sku="GIFT-SET", name=" ", gtin="12345678",
                         components=[KitComponent("GIFT-SET", 0)])
    collector = ErrorCollector()

    validate_product(facts, collector)

    assert [e.field for e in collector.errors] == [
        "name", "gtin", "components.0.sku", "components.0.quantity"]


def test_the_scarcest_component_decides_how_many_kits_there_are() -> None:
    needs = {MUG: 2, LID: 1}

    assert kit_units_available(needs, {MUG: 10, LID: 3}) == 3
    assert kit_units_available(needs, {MUG: 5, LID: 30}) == 2


def test_only_whole_kits_count() -> None:
    assert kit_units_available({MUG: 3}, {MUG: 8}) == 2


def test_a_component_without_stock_means_no_kits() -> None:
    assert kit_units_available({MUG: 1, SLEEVE: 1}, {MUG: 50}) == 0
    assert kit_units_available({MUG: 1, LID: 1}, {MUG: 50, LID: 0}) == 0


def test_a_kit_without_components_is_never_available() -> None:
    assert kit_units_available({}, {MUG: 50}) == 0
