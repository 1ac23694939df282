"""The scale's one reading shared over a fulfillment order's packages: whole grams, in proportion
to what the catalogue says each package holds, adding up to exactly the reading."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ordermill.fulfillment.pack_station import split_weight


def test_the_grams_lost_to_rounding_go_to_the_largest_remainders_first() -> None:
    assert split_weight(1000, [700, 700, 400]) == [389, 389, 222]
    assert split_weight(10, [1, 1, 1]) == [4, 3, 3]


def test_a_package_of_weightless_goods_gets_a_gram_from_the_heaviest() -> None:
    assert split_weight(500, [900, 0]) == [499, 1]


@given(st.lists(st.integers(0, 100_000), min_size=1, max_size=30).filter(any),
       st.integers(1, 1_000_000))
def test_the_shares_add_up_to_the_reading_each_within_a_gram_of_its_proportion(
        weights: list[int], extra: int) -> None:
    total = len(weights) + extra - 1

    shares = split_weight(total, weights)

    assert sum(shares) == total
    assert min(shares) >= 1
    exact = [total * weight / sum(weights) for weight in weights]
    # Off by more than a gram only where packages of nothing were lifted to 1 g each.
    lifted = sum(1 for weight in weights if total * weight < sum(weights))
    assert all(abs(share - ideal) < 1 + lifted for share, ideal in zip(shares, exact, strict=True))
