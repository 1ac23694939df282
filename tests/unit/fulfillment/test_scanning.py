"""The pack station's scan check: GTINs and skus taken against the order, the rest refused
by name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ordermill.fulfillment.scanning import (
    PackCheck,
    PackLine,
    RefusedScan,
    ScanOutcome,
    check_scans,
)

MUG = PackLine("MUG-BLUE", 2, gtin="4006381333931")
CARD = PackLine("CARD", 1)


def test_a_scan_of_something_not_in_the_order_is_refused_by_name() -> None:
    result = check_scans([MUG, CARD], ["TEAPOT-1"])

    assert result.refused == [RefusedScan(0, "TEAPOT-1", "TEAPOT-1 is not in this order")]
    assert result.packed == {"MUG-BLUE": 0, "CARD": 0}
    assert result.missing == {"MUG-BLUE": 2, "CARD": 1}
    assert not result.complete


def test_a_scan_beyond_the_ordered_quantity_is_refused_naming_the_count_and_sku() -> None:
    result = check_scans([MUG, CARD], ["MUG-BLUE", "MUG-BLUE", "MUG-BLUE", "CARD"])

    assert result.packed == {"MUG-BLUE": 2, "CARD": 1}
    assert result.refused == [
        RefusedScan(2, "MUG-BLUE", "all 2 of MUG-BLUE are already packed")]
    assert result.missing == {}
    assert not result.complete


def test_an_order_is_complete_when_everything_is_packed_and_nothing_was_refused() -> None:
    result = check_scans([MUG, CARD], ["4006381333931", "CARD", "MUG-BLUE"])

    assert result.packed == {"MUG-BLUE": 2, "CARD": 1}
    assert result.refused == []
    assert result.missing == {}
    assert result.complete


@pytest.mark.parametrize("scan", ["4006381333931", "04006381333931", " 4006381333931\n"])
def test_a_gtin_13_is_recognised_however_it_is_read(scan: str) -> None:
    assert check_scans([MUG], [scan]).packed == {"MUG-BLUE": 1}


def test_a_gtin_12_matches_the_same_product_stored_as_a_gtin_14() -> None:
    tea = PackLine("TEA", 1, gtin="00036000291452")

    result = check_scans([tea], ["036000291452"])

    assert result.packed == {"TEA": 1}
    assert result.complete


def test_a_gtin_8_matches_the_product_stored_with_it() -> None:
    gum = PackLine("GUM", 1, gtin="96385074")

    assert check_scans([gum], ["96385074"]).packed == {"GUM": 1}


def test_a_sku_matches_exactly_and_case_sensitively_after_whitespace_is_trimmed() -> None:
    result = check_scans([CARD], ["card", "\tCARD \r\n"])

    assert result.refused == [RefusedScan(0, "card", "card is not in this order")]
    assert result.packed == {"CARD": 1}


def test_a_barcode_of_another_length_or_with_letters_is_not_taken_for_the_gtin() -> None:
    result = check_scans([MUG], ["400638133393", "4006381333931X"])

    assert result.packed == {"MUG-BLUE": 0}
    assert [refused.reason for refused in result.refused] == [
        "400638133393 is not in this order", "4006381333931X is not in this order"]


def test_a_sku_made_of_digits_matches_as_that_sku_before_any_gtin() -> None:
    numbered = PackLine("96385074", 1)
    other = PackLine("GUM", 1, gtin="96385074")

    result = check_scans([numbered, other], ["96385074", "96385074"])

    assert result.packed == {"96385074": 1, "GUM": 0}
    assert result.refused == [RefusedScan(1, "96385074", "all 1 of 96385074 are already packed")]


def test_two_skus_of_the_same_gtin_are_filled_in_line_order() -> None:
    first = PackLine("MUG-A", 1, gtin="4006381333931")
    second = PackLine("MUG-B", 1, gtin="4006381333931")

    result = check_scans([first, second], ["4006381333931"] * 3)

    assert result.packed == {"MUG-A": 1, "MUG-B": 1}
    assert result.refused == [RefusedScan(
        2, "4006381333931", "all 1 of MUG-A and all 1 of MUG-B are already packed")]


def test_lines_of_the_same_sku_add_up() -> None:
    result = check_scans([PackLine("CARD", 1), PackLine("CARD", 2)], ["CARD"])

    assert result.packed == {"CARD": 1}
    assert result.missing == {"CARD": 2}


def test_an_empty_scan_is_refused_as_empty() -> None:
    assert check_scans([CARD], ["  "]).refused == [RefusedScan(0, "", "the scan was empty")]


def test_the_console_hears_each_scan_answered_as_it_is_made() -> None:
    check = PackCheck([MUG, CARD])

    assert check.scan("CARD") == ScanOutcome(sku="CARD")
    assert check.scan("CARD") == ScanOutcome(reason="all 1 of CARD are already packed")
    assert not check.scan("CARD").accepted
    assert check.result.missing == {"MUG-BLUE": 2}
    assert check.result.refused == [
        RefusedScan(1, "CARD", "all 1 of CARD are already packed"),
        RefusedScan(2, "CARD", "all 1 of CARD are already packed")]


@pytest.mark.parametrize("line", [PackLine("CARD", 0), PackLine("MUG", 1, gtin="40063813339")])
def test_a_line_without_units_or_with_a_malformed_gtin_is_refused(line: PackLine) -> None:
    with pytest.raises(ValueError, match=line.sku):
        PackCheck([line])


@given(st.lists(st.integers(1, 4), min_size=1, max_size=4),
       st.lists(st.sampled_from(["SKU-0", "SKU-1", "SKU-2", "SKU-3", "00000000000000",
                                 "00000000000017", "00000017", "sku-1", "JUNK"]), max_size=20))
def test_packed_and_missing_always_add_up_to_the_order(quantities: list[int],
                                                       scans: list[str]) -> None:
    # SKU-1 carries a GTIN-14 that the same number read as a GTIN-8 also matches.
    lines = [PackLine(f"SKU-{i}", quantity, gtin="00000000000017" if i == 1 else None)
             for i, quantity in enumerate(quantities)]

    result = check_scans(lines, scans)

    for line in lines:
        assert 0 <= result.packed[line.sku] <= line.quantity
        assert result.packed[line.sku] + result.missing.get(line.sku, 0) == line.quantity
    assert sum(result.packed.values()) + len(result.refused) == len(scans)
    assert result.complete == (not result.missing and not result.refused)
