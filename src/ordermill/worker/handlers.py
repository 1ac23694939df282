"""Which handlers react to which event topic: the whole wiring, in one readable table."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection

from ordermill.channels.handlers import refresh_listings
from ordermill.fulfillment.handlers import mail_new_fulfillment_order, refresh_location_record
from ordermill.inventory.handlers import raise_low_stock_alert
from ordermill.orders.handlers import allocate_backorders

Handler = Callable[[Connection, int, dict[str, Any]], None]

HANDLERS: Mapping[str, Sequence[Handler]] = {
    # Backorders first, so the listings published next already count what they took.
    "inventory.changed": (allocate_backorders, refresh_listings),
    "inventory.low": (raise_low_stock_alert,),
    "fulfillment_order.created": (mail_new_fulfillment_order,),
    "fulfillment_order.rejected": (refresh_location_record,),
    "fulfillment_order.short_picked": (refresh_location_record,),
}
