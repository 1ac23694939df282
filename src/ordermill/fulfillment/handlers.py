"""Reactions to fulfillment events: a new fulfillment order is mailed to its location's team;
a finished one updates its location's record.

At least once: the Message-ID is the same on every delivery of one event, so a mail client
shows a repeat as one message.
"""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy.engine import Connection

from ordermill import mail
from ordermill.fulfillment.work_queue import get_fulfillment_order, location_history
from ordermill.locations.repository import location_by_code
from ordermill.routing import repository as routing
from ordermill.routing.domain import performance_from
from ordermill.shared.clock import utcnow


def mail_new_fulfillment_order(connection: Connection, event_id: int,
                               payload: dict[str, Any]) -> None:
    """On `fulfillment_order.created`: email the location's notification address, if it has
    one and mail is set up."""
    smtp = mail.settings()
    location = location_by_code(connection, payload["location"])
    if smtp is None or location is None or not location.notification_email:
        return
    found = get_fulfillment_order(connection, payload["fulfillment_order_id"])
    if found is None:
        return
    mail.send(smtp, new_fulfillment_order_message(found, location.notification_email,
                                                  smtp.public_url, event_id))


def new_fulfillment_order_message(fulfillment_order: dict[str, Any], to: str, public_url: str,
                                  event_id: int) -> EmailMessage:
    """What the team reads: which order, how urgent, by when, what to pick. The ship-to stays
    in the console: mail is no place for a customer's address."""
    fo = fulfillment_order
    urgent = fo["priority"] in ("urgent", "high")
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = (f"{'[' + fo['priority'].upper() + '] ' if urgent else ''}"
                          f"New fulfillment order {fo['id']} for {fo['order_number']} at "
                          f"{fo['location']}, ship by {_when(fo['ship_by'])}")
    message["Message-ID"] = f"<fulfillment-order-{fo['id']}.{event_id}@ordermill>"
    lines = "\n".join(f"  {line['quantity']:>5} x {line['sku']}  {line['name']}"
                      for line in fo["lines"] if line["quantity"])
    message.set_content(
        f"Order {fo['order_number']} has units for {fo['location']} to ship.\n\n"
        f"Priority: {fo['priority']}\nShip by:  {_when(fo['ship_by'])}\n\n"
        f"To pick:\n{lines}\n\n"
        f"Open it: {public_url}/console/fulfillment-orders/{fo['id']}\n")
    return message


def _when(moment: str | None) -> str:
    return "no date promised" if moment is None else moment.replace("T", " ")[:16] + " UTC"


RECORD_WINDOW = timedelta(days=90)


def refresh_location_record(connection: Connection, _event_id: int,
                            payload: dict[str, Any]) -> None:
    """On a fulfillment order finishing (shipped, rejected, short-picked): recompute its
    location's record from the last 90 days, for routing to weigh."""
    location = location_by_code(connection, payload["location"])
    if location is None:
        return
    now = utcnow()
    history = location_history(connection, location.id, now - RECORD_WINDOW)
    record = performance_from(history)
    routing.save_performance(connection, location.id, {
        "on_time_rate": record.on_time_rate, "median_hours_to_ship": record.median_hours_to_ship,
        "short_pick_rate": record.short_pick_rate, "fulfillment_orders": len(history),
        "computed_at": now})
