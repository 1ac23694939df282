"""Rules for locations: kinds, codes, coordinates, what a location offers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from ordermill.shared.address import COUNTRIES, Address, validate_address
from ordermill.shared.email import is_email
from ordermill.shared.errors import ErrorCollector

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,31}$")
CUTOFF_PATTERN = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
MAX_RATE = 10_000_000


class LocationKind(StrEnum):
    WAREHOUSE = "warehouse"
    STORE = "store"
    THIRD_PARTY = "3pl"


@dataclass
class LocationFacts:
    code: str
    name: str
    kind: str = LocationKind.WAREHOUSE
    address: Address = field(default_factory=Address)
    latitude: float | None = None
    longitude: float | None = None
    ships: bool = True
    pickup: bool = False
    priority: int = 100
    active: bool = True
    # What the location's team and the routing engine need to know.
    notification_email: str | None = None
    daily_order_limit: int | None = None  # fulfillment orders a day; None: no limit
    cutoff_time: str | None = None  # "HH:MM", local: orders after it ship the next day
    timezone: str = "UTC"
    ships_to: list[str] | None = None  # ISO countries; None: anywhere
    shipping_rates: ShippingRates | None = None


@dataclass(frozen=True)
class ShippingRates:
    """Estimated cost of one parcel from this location, by zone, in the merchant's currency's
    minor units: the destination's own rate, else domestic or international, plus per kg."""

    domestic: int
    international: int
    per_kg: int = 0
    countries: dict[str, int] = field(default_factory=dict)

    def estimate(self, origin_country: str, destination_country: str, grams: int) -> int:
        base = self.countries.get(destination_country, self.domestic
                                  if destination_country == origin_country
                                  else self.international)
        return base + -(-grams * self.per_kg // 1000)


def validate_location(facts: LocationFacts, errors: ErrorCollector) -> None:
    if not CODE_PATTERN.match(facts.code):
        errors.add("code", "1-32 letters, digits, '_' or '-'")
    if not facts.name.strip() or len(facts.name) > 200:
        errors.add("name", "1-200 characters")
    if facts.kind not in set(LocationKind):
        errors.add("kind", f"must be one of {', '.join(k.value for k in LocationKind)}")
    validate_address(facts.address, "address", errors)
    if (facts.latitude is None) != (facts.longitude is None):
        errors.add("latitude", "give both latitude and longitude, or neither")
    if facts.latitude is not None and not -90 <= facts.latitude <= 90:
        errors.add("latitude", "must be between -90 and 90")
    if facts.longitude is not None and not -180 <= facts.longitude <= 180:
        errors.add("longitude", "must be between -180 and 180")
    if not 0 <= facts.priority <= 1_000_000:
        errors.add("priority", "must be between 0 and 1000000 (lower is preferred)")
    _validate_fulfillment(facts, errors)


def _validate_fulfillment(facts: LocationFacts, errors: ErrorCollector) -> None:
    if facts.notification_email is not None and not is_email(facts.notification_email):
        errors.add("notification_email", "not an email address")
    if facts.daily_order_limit is not None and not 0 <= facts.daily_order_limit <= 1_000_000:
        errors.add("daily_order_limit", "between 0 and 1000000 fulfillment orders a day")
    if facts.cutoff_time is not None and not CUTOFF_PATTERN.match(facts.cutoff_time):
        errors.add("cutoff_time", "a local time as HH:MM, 00:00 to 23:59")
    if facts.timezone not in _timezones():
        errors.add("timezone", "not an IANA time zone such as Europe/Berlin")
    if facts.ships_to is not None and any(c not in COUNTRIES for c in facts.ships_to):
        errors.add("ships_to", "ISO 3166 alpha-2 country codes")
    rates = facts.shipping_rates
    if rates is not None:
        amounts = [rates.domestic, rates.international, rates.per_kg, *rates.countries.values()]
        if any(isinstance(a, bool) or not isinstance(a, int) or not 0 <= a <= MAX_RATE
               for a in amounts):
            errors.add("shipping_rates", f"amounts in minor units, 0 to {MAX_RATE}")
        if any(c not in COUNTRIES for c in rates.countries):
            errors.add("shipping_rates.countries", "keys are ISO 3166 alpha-2 country codes")


def shipping_rates(stored: dict[str, Any] | ShippingRates | None) -> ShippingRates | None:
    """Rates as stored (a JSON object) or as given, as one value."""
    if stored is None or isinstance(stored, ShippingRates):
        return stored
    return ShippingRates(**stored)


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}
