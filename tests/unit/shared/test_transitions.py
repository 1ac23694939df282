"""The transition-table helper: allowed moves lead where the table says, others are refused."""

from __future__ import annotations

import pytest

from ordermill.shared.errors import Conflict, InvalidTransition
from ordermill.shared.transitions import TransitionTable

PARCEL = TransitionTable.of("parcel", [
    ("ship",    ["packed"],               "shipped"),
    ("deliver", ["shipped"],              "delivered"),
    ("note",    ["packed", "shipped"],    None),
])


def test_an_allowed_move_leads_to_its_target_status() -> None:
    assert PARCEL.apply("ship", "packed") == "shipped"
    assert PARCEL.apply("deliver", "shipped") == "delivered"


def test_a_move_without_a_target_keeps_the_current_status() -> None:
    assert PARCEL.apply("note", "packed") == "packed"
    assert PARCEL.apply("note", "shipped") == "shipped"


def test_allows_answers_without_raising() -> None:
    assert PARCEL.allows("ship", "packed") is True
    assert PARCEL.allows("ship", "shipped") is False
    assert PARCEL.allows("note", "delivered") is False


def test_a_forbidden_move_raises_with_the_current_status_and_a_readable_detail() -> None:
    with pytest.raises(InvalidTransition) as raised:
        PARCEL.apply("ship", "delivered")

    assert raised.value.current_status == "delivered"
    assert raised.value.detail == "cannot ship a parcel that is delivered"
    assert raised.value.status == 409
    assert isinstance(raised.value, Conflict)


def test_the_table_lists_each_action_once_with_its_sources_and_target() -> None:
    assert dict(PARCEL.moves) == {
        "ship": (frozenset({"packed"}), "shipped"),
        "deliver": (frozenset({"shipped"}), "delivered"),
        "note": (frozenset({"packed", "shipped"}), None),
    }


def test_the_detail_reads_an_before_an_entity_starting_with_a_vowel() -> None:
    invoice = TransitionTable.of("invoice", [("void", ["issued"], "void")])

    with pytest.raises(InvalidTransition) as raised:
        invoice.apply("void", "paid")

    assert raised.value.detail == "cannot void an invoice that is paid"
