"""The demo's buyers: new faces every day, and regulars who come back and order again.

Marketplace buyers write from relay addresses, as they do on real marketplaces; store
buyers without a loyalty account are one shared walk-in customer.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from ordermill.demo import places
from ordermill.shared.address import Address


@dataclass(frozen=True)
class Buyer:
    email: str
    name: str
    phone: str | None
    address: Address
    tax_basis_points: int


WALK_IN = Buyer(places.WALK_IN_EMAIL, "Walk-in customer", None, places.STORE_ADDRESS,
                next(c[4] for c in places.US_CITIES if c[0] == places.STORE_ADDRESS.city))


class CustomerBook:
    """Hands out a buyer for each order: a regular (some new customers become one) with
    probability `returning`, otherwise someone never seen before."""

    def __init__(self, rng: random.Random, *, returning: float = 0.3,
                 becomes_regular: float = 0.12) -> None:
        self._rng = rng
        self._returning = returning
        self._becomes_regular = becomes_regular
        self._regulars: dict[str, list[Buyer]] = {"US": [], "EU": [], "amazon": []}
        self._count = 0

    def buyer(self, region: str) -> Buyer:
        if region == "store":
            return self._store_buyer()
        regulars = self._regulars[region]
        if regulars and self._rng.random() < self._returning:
            return self._as_written(self._rng.choice(regulars))
        buyer = self._new(region)
        if self._rng.random() < self._becomes_regular:
            regulars.append(buyer)
        return buyer

    @property
    def regular_count(self) -> int:
        return sum(len(regulars) for regulars in self._regulars.values())

    def _store_buyer(self) -> Buyer:
        """Half the till's sales are to loyalty members, who pick up from the store."""
        if self._rng.random() < 0.5:
            return WALK_IN
        local = self.buyer("US")
        return Buyer(local.email, local.name, local.phone,
                     Address(**{**WALK_IN.address.as_dict(), "name": local.name}),
                     WALK_IN.tax_basis_points)

    def _as_written(self, buyer: Buyer) -> Buyer:
        """Regulars sometimes type their email differently; matching must still find them."""
        if self._rng.random() < 0.1:
            local, _, domain = buyer.email.partition("@")
            return Buyer(f"{local.title()}@{domain.upper()}", buyer.name, buyer.phone,
                         buyer.address, buyer.tax_basis_points)
        return buyer

    def _new(self, region: str) -> Buyer:
        self._count += 1
        rng = self._rng
        first, last = rng.choice(places.FIRST_NAMES), rng.choice(places.LAST_NAMES)
        name = f"{first} {last}"
        if region == "EU":
            city, state, postal, country, tax = rng.choice(places.EU_CITIES)
            line1 = f"{rng.choice(places.EU_STREETS)} {rng.randint(1, 180)}"
            phone = None
        else:
            city, state, postal, country, tax = rng.choice(places.US_CITIES)
            line1 = f"{rng.randint(10, 9800)} {rng.choice(places.US_STREETS)}"
            phone = f"+1 555 01{rng.randint(0, 99):02d}"
        if region == "amazon":
            # Marketplaces hide the buyer's own email behind a relay address.
            email = f"{self._count:05d}{rng.randrange(16**8):08x}@marketplace.example.com"
        else:
            domain = rng.choice(places.EMAIL_DOMAINS)
            email = f"{_ascii(first)}.{_ascii(last)}{self._count}@{domain}"
        address = Address(name=name, line1=line1, city=city, region=state, postal_code=postal,
                          country=country)
        return Buyer(email.lower(), name, phone, address, tax)


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())
