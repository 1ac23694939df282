"""What a channel publishes as available-to-sell: stock less its buffer, within its cap."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ordermill.channels.domain import MAX_BUFFER, AvailabilityRules


def test_without_rules_the_channel_publishes_all_the_stock() -> None:
    assert AvailabilityRules().available_to_sell("MUG", 40) == 40


def test_the_global_buffer_is_held_back_from_every_sku() -> None:
    rules = AvailabilityRules(buffer=5)

    assert rules.available_to_sell("MUG", 40) == 35
    assert rules.available_to_sell("LID", 12) == 7


def test_a_per_sku_buffer_replaces_the_global_one_for_that_sku() -> None:
    rules = AvailabilityRules(buffer=5, sku_buffers={"MUG": 10, "LID": 0})

    assert rules.available_to_sell("MUG", 40) == 30
    assert rules.available_to_sell("LID", 40) == 40
    assert rules.available_to_sell("SPOON", 40) == 35


def test_the_cap_publishes_at_most_that_share_of_the_stock_rounded_down() -> None:
    rules = AvailabilityRules(cap_percent=30)

    assert rules.available_to_sell("MUG", 40) == 12
    assert rules.available_to_sell("MUG", 9) == 2


def test_buffer_and_cap_together_publish_the_smaller_of_the_two() -> None:
    rules = AvailabilityRules(buffer=5, cap_percent=50)

    assert rules.available_to_sell("MUG", 40) == 20
    assert rules.available_to_sell("MUG", 8) == 3


def test_a_buffer_larger_than_the_stock_publishes_zero_not_less() -> None:
    assert AvailabilityRules(buffer=10).available_to_sell("MUG", 3) == 0
    assert AvailabilityRules(sku_buffers={"MUG": 10}).available_to_sell("MUG", 3) == 0


def test_no_stock_publishes_zero_whatever_the_rules() -> None:
    assert AvailabilityRules(buffer=2, cap_percent=100).available_to_sell("MUG", 0) == 0


def test_a_cap_of_one_hundred_percent_changes_nothing() -> None:
    assert AvailabilityRules(buffer=3, cap_percent=100).available_to_sell("MUG", 40) == 37


@given(st.integers(min_value=0, max_value=10**9),
       st.integers(min_value=0, max_value=MAX_BUFFER),
       st.none() | st.integers(min_value=1, max_value=100),
       st.dictionaries(st.sampled_from(["MUG", "LID"]),
                       st.integers(min_value=0, max_value=MAX_BUFFER)))
def test_what_is_published_is_never_negative_nor_more_than_the_stock(
        stock: int, buffer: int, cap_percent: int | None, sku_buffers: dict[str, int]) -> None:
    rules = AvailabilityRules(buffer, cap_percent, sku_buffers)

    published = rules.available_to_sell("MUG", stock)

    assert 0 <= published <= stock
    assert published <= max(0, stock - sku_buffers.get("MUG", buffer))
    if cap_percent is not None:
        assert published * 100 <= stock * cap_percent
