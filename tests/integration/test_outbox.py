"""The outbox delivers every committed event once, never a rolled-back one, retries a failing
handler with growing back-off without holding up the rest, and two relays never share a row.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from ordermill.catalog.repository import product_by_sku
from ordermill.db import outbox
from ordermill.db.engine import Database
from ordermill.db.uow import UnitOfWork
from ordermill.inventory import repository as inventory
from ordermill.locations.repository import location_by_code
from ordermill.orders.intake import PlacedOrder, place_order
from ordermill.orders.service import cancel_order
from ordermill.shared.clock import as_utc, utcnow
from ordermill.shared.errors import InsufficientStock
from ordermill.shared.events import Event
from ordermill.worker.handlers import Handler
from ordermill.worker.relay import Relay
from tests import builders, stock_truth
from tests.concurrency import run_together

Delivery = tuple[int, dict[str, Any]]


class Recorder:
    """A handler that remembers every delivery; thread-safe, as relays may share it."""

    def __init__(self, pause_seconds: float = 0.0) -> None:
        self.deliveries: list[Delivery] = []
        self.pause_seconds = pause_seconds
        self._lock = threading.Lock()

    def __call__(self, _connection: Any, event_id: int, payload: dict[str, Any]) -> None:
        # The pause keeps the relay's transaction open, so a second relay has time to collide.
        time.sleep(self.pause_seconds)
        with self._lock:
            self.deliveries.append((event_id, payload))

    def ids(self) -> list[int]:
        with self._lock:
            return [event_id for event_id, _ in self.deliveries]


def _rows(database: Database) -> list[Any]:
    with database.reading() as connection:
        return list(connection.execute(sa.select(outbox.outbox).order_by(outbox.outbox.c.id)))


def _every_topic(database: Database, handler: Handler) -> dict[str, tuple[Handler, ...]]:
    return {row.topic: (handler,) for row in _rows(database)}


def _publish(database: Database, topics: list[str]) -> None:
    with UnitOfWork(database, builders.TESTER) as uow:
        for number, topic in enumerate(topics):
            uow.publish(Event(topic, {"number": number}))
        uow.commit()


def _shop(database: Database, units: int) -> None:
    builders.location(database, "east")
    builders.product(database, "MUG")
    builders.channel(database, "web", ["east"])
    builders.stock(database, "MUG", "east", units)


def _end_back_off(database: Database, message_id: int) -> None:
    """Makes a backed-off message due now, as if its back-off had run out."""
    with database.engine.begin() as connection:
        connection.execute(outbox.outbox.update().where(outbox.outbox.c.id == message_id)
                           .values(available_at=utcnow() - timedelta(seconds=1)))


def test_every_committed_event_is_delivered_once_with_its_payload(database: Database) -> None:
    _shop(database, 10)
    placed = place_order(builders.uow(database), builders.order_input("web", "A-1", {"MUG": 2}))
    cancel_order(builders.uow(database), order_id=placed.order["id"])
    committed = _rows(database)
    recorder = Recorder()
    relay = Relay(database, _every_topic(database, recorder), batch_size=3)

    taken = relay.drain()
    again = relay.drain()

    assert {row.topic for row in committed} >= {"inventory.changed", "order.created",
                                                "order.cancelled"}
    assert taken == len(committed)
    assert again == 0
    assert recorder.deliveries == [(row.id, json.loads(row.payload)) for row in committed]
    with database.reading() as connection:
        assert outbox.pending_count(connection) == 0


def test_events_of_a_unit_of_work_that_rolls_back_never_appear(database: Database) -> None:
    _shop(database, 5)
    before = _rows(database)

    with pytest.raises(RuntimeError), UnitOfWork(database, builders.TESTER) as uow:
        level_id = inventory.ensure_level(uow.connection,
                                          product_by_sku(uow.connection, "MUG").id,
                                          location_by_code(uow.connection, "east").id)
        inventory.change_on_hand(uow.connection, level_id, 100)
        uow.publish(Event("inventory.changed", {"sku": "MUG", "on_hand": 105}))
        raise RuntimeError("the use case failed after publishing")
    with pytest.raises(InsufficientStock):
        place_order(builders.uow(database), builders.order_input("web", "A-1", {"MUG": 6}))

    assert _rows(database) == before
    with database.reading() as connection:
        assert stock_truth.levels(connection)[("MUG", "east")].on_hand == 5
    recorder = Recorder()
    Relay(database, _every_topic(database, recorder)).drain()
    assert recorder.ids() == [row.id for row in before]


def test_events_of_attempts_that_lost_a_race_and_were_retried_never_appear(
        database: Database) -> None:
    _shop(database, 4)
    set_up = {row.id for row in _rows(database)}
    orders = [builders.order_input("web", f"R-{n}", {"MUG": 1}, email=f"b{n}@example.com")
              for n in range(16)]

    outcomes = run_together([lambda order=order: place_order(builders.uow(database), order)
                             for order in orders])

    placed = [o for o in outcomes if isinstance(o, PlacedOrder)]
    assert len(placed) == 4
    assert all(isinstance(o, PlacedOrder | InsufficientStock) for o in outcomes)
    events = [row for row in _rows(database) if row.id not in set_up]
    # Four reservations, each one event; the last takes available to the reorder point, 0.
    assert Counter(row.topic for row in events) == {
        "inventory.changed": 4, "order.created": 4, "inventory.low": 1,
        "fulfillment_order.created": 4}
    created = {json.loads(row.payload)["order_id"] for row in events
               if row.topic == "order.created"}
    assert created == {p.order["id"] for p in placed}


def test_a_failing_handler_backs_off_longer_each_time_without_holding_up_the_rest(
        database: Database) -> None:
    _publish(database, ["parcel.flaky", "parcel.fine", "parcel.fine"])
    healed = threading.Event()
    fine = Recorder()

    def flaky(_connection: Any, _event_id: int, _payload: dict[str, Any]) -> None:
        if not healed.is_set():
            raise RuntimeError("carrier unreachable")

    relay = Relay(database, {"parcel.flaky": (flaky,), "parcel.fine": (fine,)})
    first_try = utcnow()
    taken = relay.run_once()
    first_try_done = utcnow()
    taken_while_backing_off = relay.run_once()
    failed = _rows(database)[0]

    assert (taken, taken_while_backing_off) == (3, 0)
    assert len(fine.ids()) == 2
    assert (failed.attempts, failed.delivered_at) == (1, None)
    assert "carrier unreachable" in failed.last_error
    assert (first_try + timedelta(seconds=1) <= as_utc(failed.available_at)
            <= first_try_done + timedelta(seconds=1))

    _end_back_off(database, failed.id)
    second_try = utcnow()
    relay.run_once()
    second_try_done = utcnow()
    failed_again = _rows(database)[0]
    assert failed_again.attempts == 2
    assert (second_try + timedelta(seconds=2) <= as_utc(failed_again.available_at)
            <= second_try_done + timedelta(seconds=2))

    healed.set()
    _end_back_off(database, failed.id)
    relay.run_once()
    delivered = _rows(database)[0]
    assert (delivered.attempts, delivered.delivered_at is not None) == (2, True)
    assert len(fine.ids()) == 2


def test_a_message_that_failed_every_attempt_is_left_for_a_person(database: Database) -> None:
    _publish(database, ["parcel.broken"])
    message_id = _rows(database)[0].id
    with database.engine.begin() as connection:
        connection.execute(outbox.outbox.update().where(outbox.outbox.c.id == message_id)
                           .values(attempts=outbox.MAX_ATTEMPTS - 1))

    def broken(_connection: Any, _event_id: int, _payload: dict[str, Any]) -> None:
        raise RuntimeError("still broken")

    relay = Relay(database, {"parcel.broken": (broken,)})
    last_try = relay.run_once()
    _end_back_off(database, message_id)
    after_giving_up = relay.run_once()

    parked = _rows(database)[0]
    assert (last_try, after_giving_up) == (1, 0)
    assert (parked.attempts, parked.delivered_at) == (outbox.MAX_ATTEMPTS, None)
    assert "still broken" in parked.last_error


def test_two_relays_at_once_never_deliver_the_same_message_twice(database: Database) -> None:
    _publish(database, ["parcel.shipped"] * 120)
    committed = [row.id for row in _rows(database)]
    recorder = Recorder(pause_seconds=0.002)
    # A second engine stands for a second worker process with its own connections.
    elsewhere = Database(database.url)
    relays = [Relay(db, {"parcel.shipped": (recorder,)}, batch_size=5)
              for db in (database, elsewhere)]
    try:
        taken = run_together([relay.drain for relay in relays])
    finally:
        elsewhere.dispose()

    delivered = recorder.ids()
    assert [ids for ids, count in Counter(delivered).items() if count > 1] == []
    assert sorted(delivered) == committed
    assert sum(t for t in taken if isinstance(t, int)) == len(committed)
    if database.is_postgresql:
        # SQLite lets one writer in at a time, so there one relay may do all the work.
        assert all(isinstance(t, int) and t > 0 for t in taken)
    with database.reading() as connection:
        assert outbox.pending_count(connection) == 0
