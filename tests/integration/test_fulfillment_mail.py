"""A new fulfillment order is mailed to its location's team through a real SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from ordermill.db.engine import Database
from ordermill.db.outbox import outbox
from ordermill.fulfillment.work_queue import get_fulfillment_order
from ordermill.orders.intake import place_order
from ordermill.worker.relay import Relay
from tests import builders


class _Inbox:
    """An SMTP server's handler that keeps every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Inbox]:
    handler, port = _Inbox(), _free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    monkeypatch.setenv("ORDERMILL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ORDERMILL_SMTP_PORT", str(port))
    monkeypatch.setenv("ORDERMILL_PUBLIC_URL", "https://oms.example.com")
    yield handler
    server.stop()


def _shop(database: Database) -> None:
    builders.location(database, "east", priority=1, notification_email="east-team@example.com")
    builders.location(database, "west", priority=2)
    builders.product(database, "MUG", name="Blue mug")
    builders.product(database, "JUG", name="Milk jug")
    builders.channel(database, "web", ["east", "west"])
    builders.stock(database, "MUG", "east", 5)
    builders.stock(database, "JUG", "west", 5)


def test_the_locations_team_gets_an_email_naming_the_order_its_urgency_and_what_to_pick(
        database: Database, inbox: _Inbox) -> None:
    _shop(database)
    placed = place_order(builders.uow(database), builders.order_input(
        "web", "A-1", {"MUG": 2}, priority=2))
    [reservation] = placed.order["lines"][0]["reservations"]

    Relay(database).drain()

    [(recipients, message)] = inbox.messages
    fulfillment_order_id = reservation["fulfillment_order_id"]
    with database.reading() as connection:
        found = get_fulfillment_order(connection, fulfillment_order_id)
    assert found is not None
    ship_by = found["ship_by"].replace("T", " ")[:16] + " UTC"
    assert recipients == ["east-team@example.com"]
    assert str(message["Subject"]) == (
        f"[HIGH] New fulfillment order {fulfillment_order_id} for {placed.order['number']} "
        f"at east, ship by {ship_by}")
    assert message["Message-ID"].startswith(f"<fulfillment-order-{fulfillment_order_id}.")
    body = message.get_content().replace("\r\n", "\n")
    assert f"Priority: high\nShip by:  {ship_by}\n" in body
    assert "To pick:\n      2 x MUG  Blue mug\n" in body
    assert f"https://oms.example.com/console/fulfillment-orders/{fulfillment_order_id}" in body
    assert "Springfield" not in body  # the customer's address stays out of mail


def test_a_location_without_a_notification_address_gets_no_email(
        database: Database, inbox: _Inbox) -> None:
    _shop(database)
    place_order(builders.uow(database), builders.order_input("web", "A-1", {"JUG": 1}))

    Relay(database).drain()

    assert inbox.messages == []


def test_when_the_mail_server_is_down_the_email_waits_and_is_sent_later(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _shop(database)
    monkeypatch.setenv("ORDERMILL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ORDERMILL_SMTP_PORT", str(_free_port()))  # nobody listens there
    place_order(builders.uow(database), builders.order_input("web", "A-1", {"MUG": 1}))

    Relay(database).drain()

    with database.reading() as connection:
        waiting = connection.execute(
            sa.select(outbox.c.attempts, outbox.c.delivered_at, outbox.c.last_error)
            .where(outbox.c.topic == "fulfillment_order.created")).one()
    assert (waiting.attempts, waiting.delivered_at) == (1, None)
    assert "Connection refused" in waiting.last_error
