"""What routing knows of a location and of a ship-to address, turned into the engine's
candidates and destination. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from ordermill.locations.domain import ShippingRates
from ordermill.routing import postal
from ordermill.routing.domain import Candidate, Destination, Performance


@dataclass(frozen=True)
class Place:
    """A location that may serve a channel, as routing needs it."""

    id: int
    code: str
    priority: int
    country: str
    coordinates: tuple[float, float] | None = None
    ships_to: frozenset[str] | None = None
    daily_order_limit: int | None = None
    cutoff_time: str | None = None
    timezone: str = "UTC"
    shipping_rates: ShippingRates | None = None
    performance: Performance = field(default_factory=Performance)


def past_cutoff(place: Place, now: datetime) -> bool:
    """Whether today's carrier cut-off at the place has passed, in its own time zone."""
    if place.cutoff_time is None:
        return False
    hour, minute = (int(part) for part in place.cutoff_time.split(":"))
    return now.astimezone(ZoneInfo(place.timezone)).time() >= time(hour, minute)


def candidate(place: Place, free: Mapping[int, int], load_today: int, now: datetime,
              destination_country: str, grams: int) -> Candidate:
    """The place as the engine weighs it, with the free units it holds per product."""
    left = None if place.daily_order_limit is None else place.daily_order_limit - load_today
    return Candidate(place.code, place.priority, dict(free), place.coordinates, place.ships_to,
                     left, past_cutoff(place, now), None if place.shipping_rates is None
                     else place.shipping_rates.estimate(place.country, destination_country, grams),
                     place.performance)


def destination(address: Mapping[str, Any]) -> Destination:
    """Where the order goes: the address's own coordinates if it has them, else its postal
    code's centroid, else its country's."""
    country = str(address.get("country") or "")
    latitude, longitude = address.get("latitude"), address.get("longitude")
    if latitude is not None and longitude is not None:
        return Destination(country, (float(latitude), float(longitude)))
    # An order never waits for a country's postal codes to be read: the first ones there are
    # weighed from the country's centroid while the codes load.
    found = postal.centroid(country, address.get("postal_code"), wait=False)
    return Destination(country, None if found is None else (found.latitude, found.longitude))


def local_day(place: Place, now: datetime) -> date:
    """The place's own calendar day: its daily limit starts again at its midnight."""
    return day_in(place.timezone, now)


def day_in(timezone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()
