"""The fulfillment order status table: every allowed move leads where it should, every other
is refused with the fulfillment order's current status."""

from __future__ import annotations

import pytest

from ordermill.orders.domain import FULFILLMENT_TRANSITIONS, PREVIOUS, FulfillmentStatus
from ordermill.shared.errors import InvalidTransition

S = FulfillmentStatus
OPEN, IN_PROGRESS, PICKED, PACKED = S.OPEN, S.IN_PROGRESS, S.PICKED, S.PACKED
SHIPPED, ON_HOLD, CANCELLED, REJECTED = S.SHIPPED, S.ON_HOLD, S.CANCELLED, S.REJECTED

# Written out by hand from the warehouse's rules, so a change to the table changes this too.
ALLOWED: dict[tuple[str, str], str] = {
    ("start picking", OPEN): IN_PROGRESS,
    ("finish picking", IN_PROGRESS): PICKED,
    ("release pick list", IN_PROGRESS): OPEN,
    ("pack", OPEN): PACKED,
    ("pack", IN_PROGRESS): PACKED,
    ("pack", PICKED): PACKED,
    ("ship", PACKED): SHIPPED,
    ("hold", OPEN): ON_HOLD,
    ("hold", IN_PROGRESS): ON_HOLD,
    ("hold", PICKED): ON_HOLD,
    ("hold", PACKED): ON_HOLD,
    ("release hold", ON_HOLD): PREVIOUS,
    ("reject", OPEN): REJECTED,
    ("reject", IN_PROGRESS): REJECTED,
    ("reject", PICKED): REJECTED,
    ("reject", ON_HOLD): REJECTED,
    ("report short", IN_PROGRESS): IN_PROGRESS,
    **{("cancel", status): CANCELLED
       for status in (OPEN, IN_PROGRESS, PICKED, PACKED, ON_HOLD)},
}
ACTIONS = ("start picking", "finish picking", "release pick list", "pack", "ship", "hold",
           "release hold", "reject", "report short", "cancel")
FORBIDDEN = [(action, status) for action in ACTIONS for status in FulfillmentStatus
             if (action, status) not in ALLOWED]


def test_the_table_has_exactly_the_actions_we_know() -> None:
    assert set(FULFILLMENT_TRANSITIONS.moves) == set(ACTIONS)


@pytest.mark.parametrize(("action", "status"), list(ALLOWED))
def test_every_allowed_move_leads_to_its_status(action: str, status: str) -> None:
    assert FULFILLMENT_TRANSITIONS.allows(action, status) is True
    assert FULFILLMENT_TRANSITIONS.apply(action, status) == ALLOWED[(action, status)]


@pytest.mark.parametrize(("action", "status"), FORBIDDEN)
def test_every_other_move_is_refused_with_the_current_status(action: str, status: str) -> None:
    assert FULFILLMENT_TRANSITIONS.allows(action, status) is False
    with pytest.raises(InvalidTransition) as refused:
        FULFILLMENT_TRANSITIONS.apply(action, status)
    assert refused.value.current_status == status


def test_shipped_cancelled_and_rejected_are_final() -> None:
    for status in (SHIPPED, CANCELLED, REJECTED):
        assert [a for a in ACTIONS if FULFILLMENT_TRANSITIONS.allows(a, status)] == []
