"""The order status table: every allowed move leads where it should, every other is refused
with the order's current status."""

from __future__ import annotations

import pytest

from ordermill.orders.domain import ORDER_TRANSITIONS, PREVIOUS, OrderStatus
from ordermill.shared.errors import InvalidTransition

PENDING, CONFIRMED = OrderStatus.PENDING, OrderStatus.CONFIRMED
IN_FULFILLMENT, COMPLETED = OrderStatus.IN_FULFILLMENT, OrderStatus.COMPLETED
ON_HOLD, CANCELLED = OrderStatus.ON_HOLD, OrderStatus.CANCELLED

# Written out by hand from the product rules, so a change to the table has to change this too.
ALLOWED: dict[tuple[str, str], str] = {
    ("confirm", PENDING): CONFIRMED,
    ("hold", PENDING): ON_HOLD,
    ("hold", CONFIRMED): ON_HOLD,
    ("hold", IN_FULFILLMENT): ON_HOLD,
    ("hold", ON_HOLD): ON_HOLD,
    ("release hold", ON_HOLD): PREVIOUS,
    ("cancel", PENDING): CANCELLED,
    ("cancel", CONFIRMED): CANCELLED,
    ("cancel", IN_FULFILLMENT): CANCELLED,
    ("cancel", ON_HOLD): CANCELLED,
    ("cancel lines", PENDING): PENDING,
    ("cancel lines", CONFIRMED): CONFIRMED,
    ("cancel lines", IN_FULFILLMENT): IN_FULFILLMENT,
    ("cancel lines", ON_HOLD): ON_HOLD,
    ("import as completed", PENDING): COMPLETED,
    ("backorder", CONFIRMED): PENDING,
    ("backorder", IN_FULFILLMENT): PENDING,
    ("start fulfillment", CONFIRMED): IN_FULFILLMENT,
}
ACTIONS = ("confirm", "hold", "release hold", "cancel", "cancel lines", "import as completed",
           "backorder", "start fulfillment")
FORBIDDEN = [(action, status) for action in ACTIONS for status in OrderStatus
             if (action, status) not in ALLOWED]


def test_the_table_has_exactly_the_actions_we_know() -> None:
    assert set(ORDER_TRANSITIONS.moves) == set(ACTIONS)


@pytest.mark.parametrize(("action", "status"), list(ALLOWED))
def test_every_allowed_move_leads_to_its_status(action: str, status: str) -> None:
    assert ORDER_TRANSITIONS.allows(action, status) is True
    assert ORDER_TRANSITIONS.apply(action, status) == ALLOWED[(action, status)]


@pytest.mark.parametrize(("action", "status"), FORBIDDEN)
def test_every_other_move_is_refused_with_the_current_status(action: str, status: str) -> None:
    assert ORDER_TRANSITIONS.allows(action, status) is False

    with pytest.raises(InvalidTransition) as raised:
        ORDER_TRANSITIONS.apply(action, status)

    assert raised.value.current_status == status
    assert raised.value.detail == f"cannot {action} an order that is {status}"


def test_finished_orders_accept_no_move_at_all() -> None:
    for status in (COMPLETED, CANCELLED):
        assert [a for a in ACTIONS if ORDER_TRANSITIONS.allows(a, status)] == []


def test_a_second_hold_is_allowed_but_a_release_needs_an_order_on_hold() -> None:
    assert ORDER_TRANSITIONS.apply("hold", ON_HOLD) == ON_HOLD
    with pytest.raises(InvalidTransition):
        ORDER_TRANSITIONS.apply("release hold", CONFIRMED)
