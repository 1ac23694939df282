"""Rules for locations: kinds, codes, coordinates, what a location offers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from ordermill.shared.address import Address, validate_address
from ordermill.shared.errors import ErrorCollector

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,31}$")


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
